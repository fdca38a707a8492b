import type { CanonicalRequest } from '../../canonical/types.js';
import type { ResponsesNamespaceData, ResponsesRequestData } from './provider-data.js';

/**
 * Codex (0.169, for a model it has no metadata for) groups functions in a
 * `namespace` tool, and the model calls a member with `{name: <member>,
 * namespace}`. Canonical has no namespaces: each member is a tool named
 * `<namespace>__<member>`, so Anthropic and Chat providers see every
 * function, and the Responses writers split the name again.
 * @module
 */

/** The only tool names Anthropic and OpenAI both accept. */
const toolNamePattern = /^[a-zA-Z0-9_-]{1,64}$/;

/** The canonical name of a namespace member; undefined when the combined name is not a valid tool name. */
export function namespacedToolName(namespace: string, name: string): string | undefined {
  const combined = combineName(namespace, name);
  return toolNamePattern.test(combined) ? combined : undefined;
}

function combineName(namespace: string, name: string): string {
  return `${namespace}__${name}`;
}

/** The canonical name of a call item: combined when the item names a namespace (and the result is a valid name). */
export function canonicalCallName(name: string, namespace: unknown): string {
  return typeof namespace === 'string' ? (namespacedToolName(namespace, name) ?? name) : name;
}

/** Combined canonical name -> the member's own name and its namespace. */
export type NamespacedNames = Map<string, { name: string; namespace: ResponsesNamespaceData }>;

/** The members of the given namespaces by canonical name. */
export function namespaceMembers(namespaces: ResponsesNamespaceData[] | undefined): NamespacedNames {
  const names: NamespacedNames = new Map();
  for (const namespace of namespaces ?? []) {
    for (const member of namespace.members) names.set(combineName(namespace.name, member), { name: member, namespace });
  }
  return names;
}

/** The members of the namespaces a Responses request declared (none for a request of another format). */
export function createNamespacedNames(request: CanonicalRequest): NamespacedNames {
  return namespaceMembers((request.providerData?.['openai-responses'] as ResponsesRequestData | undefined)?.namespaces);
}

/**
 * How a canonical call name goes on the wire: a declared member is split
 * back; a call read with a namespace (history, or an upstream's answer)
 * loses the prefix the reader gave it.
 */
export function wireCallName(name: string, namespace: string | undefined, names: NamespacedNames): { name: string; namespace?: string } {
  const declared = names.get(name);
  if (declared !== undefined) return { name: declared.name, namespace: declared.namespace.name };
  if (namespace === undefined) return { name };
  const prefix = combineName(namespace, '');
  return { name: name.startsWith(prefix) ? name.slice(prefix.length) : name, namespace };
}

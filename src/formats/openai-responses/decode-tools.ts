import type { CanonicalTool, TranslationWarning } from '../../canonical/types.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { isRecord } from '../shared/tool-input.js';
import { collectUnknownFields } from '../shared/unknown-fields.js';
import { namespacedToolName } from './namespace-tools.js';
import type { ResponsesNamespaceData, ResponsesRequestData, ResponsesToolData } from './provider-data.js';
import type { ResponsesAdditionalToolsItem, ResponsesTool } from './wire-types.js';

/**
 * Reading Responses tool declarations, from `tools` and from Codex's
 * `additional_tools` input items: one flattening for both, so a `namespace`
 * tool's members are canonical tools named `<namespace>__<member>` wherever
 * the namespace was declared (see namespace-tools.ts).
 * @module
 */

/** The request's `tools`; a `namespace` tool's members take its place, each a tool of its own. */
export function decodeTools(tools: ResponsesTool[], data: ResponsesRequestData): CanonicalTool[] {
  const taken = new Set(tools.flatMap((tool) => (isRecord(tool) && tool.type !== 'namespace' && typeof tool.name === 'string' ? [tool.name] : [])));
  const result: CanonicalTool[] = [];
  tools.forEach((tool, index) => {
    const namespace = isRecord(tool) && tool.type === 'namespace' ? decodeNamespaceTool(tool, `tools[${index}]`, taken) : undefined;
    if (namespace === undefined) {
      result.push(decodeTool(tool, `tools[${index}]`));
      return;
    }
    result.push(...namespace.tools);
    (data.namespaces ??= []).push(namespace.data);
  });
  return result;
}

/**
 * The tools of an `additional_tools` item, added to `tools`. The item itself
 * travels verbatim to a Responses upstream (in its place in `input`), so its
 * tools are marked `inItem` and the Responses writer leaves them out of
 * `tools`; other writers declare them like any tool. A later item declaring
 * a tool again replaces the earlier definition (Codex: "tool availability can
 * change between calls"). What has no canonical form (a hosted tool, a
 * namespace that cannot be flattened) reaches only a Responses upstream.
 */
export function decodeAdditionalTools(item: ResponsesAdditionalToolsItem, path: string, tools: CanonicalTool[], data: ResponsesRequestData, warnings: TranslationWarning[]): void {
  if (!Array.isArray(item.tools)) throw invalid(`${path}.tools must be an array`);
  const taken = new Set(tools.flatMap((tool) => (isItemTool(tool) ? [] : [tool.name])));
  const add = (tool: CanonicalTool): void => {
    if (tool.kind === 'builtin') return;
    const marked = markInItem(tool);
    const existing = tools.findIndex((other) => other.name === tool.name && isItemTool(other));
    if (existing >= 0) tools[existing] = marked;
    else tools.push(marked);
  };
  item.tools.forEach((tool, index) => {
    const toolPath = `${path}.tools[${index}]`;
    if (isRecord(tool) && tool.type === 'namespace') {
      const namespace = decodeNamespaceTool(tool, toolPath, taken);
      if (namespace !== undefined) {
        namespace.tools.forEach(add);
        (data.namespaces ??= []).push(namespace.data);
        return;
      }
    } else {
      const decoded = decodeTool(tool, toolPath);
      if (decoded.kind !== 'builtin' && !taken.has(decoded.name)) {
        add(decoded);
        return;
      }
    }
    warnings.push({ type: 'unsupported', path: toolPath, message: `${describeTool(tool)} has no form outside the Responses API: kept for an openai-responses upstream, dropped for others` });
  });
}

/** True for a tool declared by an `additional_tools` item. */
export function isItemTool(tool: CanonicalTool): boolean {
  return tool.kind !== 'builtin' && (tool.providerData?.['openai-responses'] as ResponsesToolData | undefined)?.inItem === true;
}

function markInItem(tool: Exclude<CanonicalTool, { kind: 'builtin' }>): CanonicalTool {
  const own = tool.providerData?.['openai-responses'] as ResponsesToolData | undefined;
  return { ...tool, providerData: { ...tool.providerData, 'openai-responses': { ...own, inItem: true } } };
}

function describeTool(tool: ResponsesTool): string {
  if (!isRecord(tool)) return 'a tool';
  return typeof tool.name === 'string' ? `${String(tool.type)} tool ${tool.name}` : `a ${String(tool.type)} tool`;
}

/**
 * A `namespace` tool's members as tools named `<namespace>__<member>`. When
 * a member is not a function or custom tool, or a combined name is not a
 * valid tool name or is already taken, the namespace stays a hosted tool:
 * only a Responses upstream gets it, other writers drop it with a warning.
 */
function decodeNamespaceTool(tool: Record<string, unknown>, path: string, taken: Set<string>): { tools: CanonicalTool[]; data: ResponsesNamespaceData } | undefined {
  if (typeof tool.name !== 'string' || !Array.isArray(tool.tools) || tool.tools.length === 0) return undefined;
  const tools: CanonicalTool[] = [];
  const members: string[] = [];
  for (const [memberIndex, member] of (tool.tools as unknown[]).entries()) {
    if (!isRecord(member) || typeof member.type !== 'string') return undefined;
    const decoded = decodeTool(member as unknown as ResponsesTool, `${path}.tools[${memberIndex}]`);
    if (decoded.kind === 'builtin') return undefined;
    const name = namespacedToolName(tool.name, decoded.name);
    if (name === undefined || taken.has(name) || tools.some((other) => other.name === name)) return undefined;
    members.push(decoded.name);
    tools.push({ ...decoded, name });
  }
  for (const member of tools) taken.add(member.name);
  const data: ResponsesNamespaceData = { name: tool.name, members };
  const extra = collectUnknownFields(tool, namespaceToolFields);
  if (extra !== undefined) data.extra = extra;
  return { tools, data };
}

const namespaceToolFields = new Set(['type', 'name', 'tools']);

function decodeTool(tool: ResponsesTool, path: string): CanonicalTool {
  if (!isRecord(tool) || typeof tool.type !== 'string') throw invalid(`${path} must be an object with a type`);
  if (tool.type === 'function' && typeof tool.name === 'string') {
    const parameters = isRecord(tool.parameters) ? tool.parameters : {};
    // Responses treats an absent `strict` as true (Chat Completions as false): keep the meaning, and the absence for the way back.
    const canonical: CanonicalTool = { kind: 'function', name: tool.name, parameters, strict: typeof tool.strict === 'boolean' ? tool.strict : true };
    if (typeof tool.description === 'string') canonical.description = tool.description;
    const extra = collectUnknownFields(tool, functionToolFields);
    const toolData: ResponsesToolData = {};
    if (typeof tool.strict !== 'boolean') toolData.shape = { strict: tool.strict === null ? 'null' : 'absent' };
    if (extra !== undefined) toolData.extra = extra;
    if (Object.keys(toolData).length > 0) canonical.providerData = { 'openai-responses': toolData as Record<string, unknown> };
    return canonical;
  }
  if (tool.type === 'custom' && typeof tool.name === 'string') {
    const canonical: CanonicalTool = { kind: 'custom', name: tool.name };
    if (typeof tool.description === 'string') canonical.description = tool.description;
    if (isRecord(tool.format)) canonical.format = tool.format;
    const extra = collectUnknownFields(tool, customToolFields);
    if (extra !== undefined) canonical.providerData = { 'openai-responses': { extra } };
    return canonical;
  }
  return { kind: 'builtin', format: 'openai-responses', name: typeof tool.name === 'string' ? tool.name : tool.type, raw: tool };
}

const functionToolFields = new Set(['type', 'name', 'description', 'parameters', 'strict']);
const customToolFields = new Set(['type', 'name', 'description', 'format']);

function invalid(message: string): GatewayError {
  return new GatewayError('SB_REQUEST_INVALID', message);
}

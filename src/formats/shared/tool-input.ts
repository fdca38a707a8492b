import type { CanonicalRequest, CanonicalTool, TranslationWarning } from '../../canonical/types.js';

/**
 * Helpers for tool-call inputs. Canonical keeps a function call's input as the
 * raw JSON text the model produced; Anthropic wants an object. Custom
 * (freeform) tools exist only in OpenAI's formats: Anthropic and Chat
 * Completions upstreams get them as a function with one required string
 * parameter `input`, and the call's JSON arguments `{"input": "..."}` carry
 * the freeform text.
 */

/** The JSON Schema of the single `input` parameter a custom tool becomes. */
export function customToolParameters(description?: string): Record<string, unknown> {
  const input: Record<string, unknown> = { type: 'string' };
  if (description !== undefined) input.description = description;
  return { type: 'object', properties: { input }, required: ['input'], additionalProperties: false };
}

/**
 * A custom tool as the function that stands in for it: one string parameter
 * `input`, and the tool's grammar appended to its description. The grammar is
 * the only place the model learns the input's syntax (Codex's `exec` takes
 * raw JavaScript with an optional `// @exec:` pragma line, `apply_patch` its
 * patch language), so dropping it would leave the model guessing.
 */
export function customToolAsFunction(tool: Extract<CanonicalTool, { kind: 'custom' }>): { description?: string; parameters: Record<string, unknown> } {
  const parameters = customToolParameters('The raw input of this freeform tool, exactly as the tool takes it (not JSON-encoded twice).');
  const grammar = grammarOf(tool.format);
  const note = grammar === undefined ? undefined : `The \`input\` string must match this ${grammar.syntax} grammar:\n${grammar.definition}`;
  const description = [tool.description, note].filter((text) => text !== undefined).join('\n\n');
  return description === '' ? { parameters } : { description, parameters };
}

/** The warning every writer that sends a custom tool as a function gives. */
export function customToolWarning(tool: Extract<CanonicalTool, { kind: 'custom' }>, index: number): TranslationWarning {
  const grammar = grammarOf(tool.format) === undefined ? '' : ', its grammar appended to the description';
  return { type: 'compatibility', path: `tools[${index}]`, message: `custom tool ${tool.name} sent as a function with one string parameter \`input\`${grammar}` };
}

function grammarOf(format: Record<string, unknown> | undefined): { syntax: string; definition: string } | undefined {
  if (format?.type !== 'grammar' || typeof format.definition !== 'string') return undefined;
  return { syntax: typeof format.syntax === 'string' ? format.syntax : 'lark', definition: format.definition };
}

/** Freeform custom-tool input -> the JSON arguments of its function stand-in. */
export function wrapCustomToolInput(text: string): string {
  return JSON.stringify({ input: text });
}

/** JSON arguments of a custom tool's function stand-in -> the freeform text (the raw text when it is not `{"input": string}`). */
export function unwrapCustomToolInput(json: string): string {
  const parsed = parseJsonObject(json);
  const input = parsed?.input;
  return typeof input === 'string' ? input : json;
}

/** Streaming a custom tool's freeform input as JSON arguments: the opening, each escaped fragment, the closing. */
export const customInputJsonOpening = '{"input":"';
export const customInputJsonClosing = '"}';
export function escapeJsonStringFragment(text: string): string {
  const quoted = JSON.stringify(text);
  return quoted.slice(1, quoted.length - 1);
}

/** Names of the tools the canonical request declared `custom`. */
export function customToolNames(request: CanonicalRequest): Set<string> {
  const names = new Set<string>();
  for (const tool of request.tools) if (tool.kind === 'custom') names.add(tool.name);
  return names;
}

/** Parses JSON text that should hold an object; undefined when it does not. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  if (text.length === 0) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

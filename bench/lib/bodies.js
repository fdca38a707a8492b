// @ts-check
/**
 * Request bodies for the benchmark, shaped like Claude Code's: a system
 * prompt, tool definitions, and a history of user text, assistant text with
 * tool calls, and tool results, grown until the body reaches the size tier
 * (about 4 bytes per token: 1k tokens ≈ 4 KiB).
 */

export const tiers = /** @type {const} */ ({ '1k': 4 * 1024, '10k': 40 * 1024, '100k': 400 * 1024 });

const filler = 'The quick brown fox jumps over the lazy dog while the compiler reports no errors in src/pipeline. ';

/**
 * @param {number} length
 * @param {number} seed
 */
function prose(length, seed) {
  const start = (seed * 7) % filler.length;
  const text = (filler.slice(start) + filler.repeat(Math.ceil(length / filler.length) + 1)).slice(0, length);
  return text;
}

const readFileTool = {
  name: 'Read',
  description: 'Reads a file from the local filesystem. The file_path parameter must be an absolute path.',
  input_schema: { type: 'object', properties: { file_path: { type: 'string', description: 'The absolute path to the file to read' }, offset: { type: 'number' }, limit: { type: 'number' } }, required: ['file_path'], additionalProperties: false },
};

/**
 * An Anthropic Messages request.
 * @param {{ model: string, historyBytes: number, stream?: boolean, maxTokens?: number, gapMs?: number }} options
 *   historyBytes 0 gives the smallest request: one short user message, no tools.
 */
export function anthropicBody(options) {
  const maxTokens = options.maxTokens ?? 16;
  const gap = options.gapMs === undefined ? '' : ` [bench-gap-${options.gapMs}ms]`;
  if (options.historyBytes === 0) {
    const body = { model: options.model, max_tokens: maxTokens, ...(gap ? { system: gap.trim() } : {}), messages: [{ role: 'user', content: 'Say hello.' }], ...(options.stream ? { stream: true } : {}) };
    return JSON.stringify(body);
  }
  /** @type {Array<Record<string, unknown>>} */
  const messages = [];
  const body = {
    model: options.model,
    max_tokens: maxTokens,
    system: [{ type: 'text', text: `You are a coding agent working in a TypeScript repository.${gap}`, cache_control: { type: 'ephemeral' } }],
    messages,
    tools: [readFileTool],
    metadata: { user_id: 'user_bench_session_0001' },
    ...(options.stream ? { stream: true } : {}),
  };
  messages.push({ role: 'user', content: [{ type: 'text', text: 'Look at the repository and find where requests are relayed.' }] });
  let size = JSON.stringify(body).length;
  // Turns as Claude Code sends them: the assistant calls a tool, the user message carries its result and the next words.
  for (let turn = 0; size < options.historyBytes; turn++) {
    const id = `toolu_bench_${String(turn).padStart(6, '0')}`;
    const chunk = Math.min(1500, Math.max(200, options.historyBytes - size));
    const turnMessages = [
      { role: 'assistant', content: [{ type: 'text', text: prose(chunk / 6, turn) }, { type: 'tool_use', id, name: 'Read', input: { file_path: `/repo/src/file-${turn}.ts` } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: prose(chunk / 2, turn + 1) }, { type: 'text', text: prose(chunk / 3, turn + 2) }] },
    ];
    for (const message of turnMessages) messages.push(message);
    size += JSON.stringify(turnMessages).length;
  }
  return JSON.stringify(body);
}

import type { TraceRecord } from './trace-record.js';

/** One speaker's turn in a rendered conversation. */
interface Turn {
  role: string;
  items: string[];
}

export interface RenderOptions {
  /** Print whole texts; otherwise each item is cut at `maxItemChars`. */
  full?: boolean;
  maxItemChars?: number;
}

type Json = Record<string, unknown>;

/**
 * `switchboard traces show`: one request as a reader wants it — who asked
 * what, with which tools, what the model thought and answered, and what it
 * cost. Bodies are read in the client's wire format (`inbound.format`) by
 * walking each format's known shapes; anything unknown is shown by type, so
 * a new content type degrades to a label instead of an error.
 */
export function renderTrace(record: TraceRecord, options: RenderOptions = {}): string {
  const limit = options.full ? Infinity : (options.maxItemChars ?? 2000);
  const lines = header(record);
  if (record.request !== undefined) lines.push('', ...section('request', record.request, (body) => requestTurns(record.inbound.format, body), limit));
  if (record.response !== undefined) lines.push('', ...section('response', record.response, (body) => responseTurns(record.inbound.format, body), limit));
  if (record.request === undefined && record.response === undefined) lines.push('', '(no bodies: captured with `capture: metadata`)');
  return `${lines.join('\n')}\n`;
}

function header(record: TraceRecord): string[] {
  const lines = [`request ${record.id}  ${record.ts}  status ${record.status}  ${formatDuration(record.duration_ms)}${timings(record)}`];
  const rule = record.rule ? `  rule ${record.rule.index === 'default' ? 'default' : `#${record.rule.index}`} (${record.rule.match})` : '';
  lines.push(`key ${record.key ?? '-'}  profile ${record.profile ?? '-'}${rule}  config ${record.config}`);
  const upstream = record.provider ? `${record.provider}/${record.upstream_model ?? '?'} (${record.upstream_format ?? '?'})` : '(no upstream call)';
  lines.push(`${record.model ?? '?'} -> ${upstream}  ${record.stream ? 'stream' : 'no stream'}  inbound ${record.inbound.format} ${record.inbound.path}`);
  if (record.session !== null || record.user_agent !== null) lines.push(`session ${record.session ?? '-'}  user-agent ${record.user_agent ?? '-'}`);
  // Lines written before these fields existed have none of them.
  if ((record.agent ?? null) !== null || (record.kind ?? 'turn') !== 'turn') {
    lines.push(`agent ${record.agent ?? '-'}${record.parent_agent ? ` (started by ${record.parent_agent})` : ''}  kind ${record.kind ?? 'turn'}`);
  }
  for (const attempt of record.attempts ?? []) {
    lines.push(`attempt ${attempt.target}: ${attempt.status ?? 'no response'}${attempt.error ? ` ${attempt.error}` : ''} in ${formatDuration(attempt.duration_ms)}`);
  }
  if (record.error) lines.push(`error ${record.error.code} (${record.error.type}): ${record.error.message}`);
  for (const warning of record.warnings ?? []) lines.push(`warning: ${warning}`);
  if (record.usage) {
    const { input, output, cache_read, cache_write, reasoning } = record.usage;
    lines.push(`usage: input ${input} (cache read ${cache_read ?? '-'}, cache write ${cache_write ?? '-'}), output ${output} (reasoning ${reasoning ?? '-'})  stop ${record.stop_reason ?? '-'}`);
  } else if (record.stop_reason) {
    lines.push(`stop ${record.stop_reason}`);
  }
  if (record.dropped) lines.push(`(before this line ${record.dropped.lines} lines were dropped and ${record.dropped.bodies} lost their bodies)`);
  return lines;
}

function timings(record: TraceRecord): string {
  const parts: string[] = [];
  if (record.ttft_ms !== null && record.ttft_ms !== undefined) parts.push(`ttft ${formatDuration(record.ttft_ms)}`);
  if (record.upstream_ms !== null && record.upstream_ms !== undefined) parts.push(`upstream ${formatDuration(record.upstream_ms)}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

function section(title: string, body: unknown, walk: (body: Json) => Turn[], limit: number): string[] {
  const lines = [`=== ${title} ===`];
  if (isObject(body) && body.truncated === true && typeof body.text === 'string') {
    const reason = body.text === '' ? 'dropped while the trace queue was full' : 'truncated at max_body_kb; the start of its JSON follows';
    lines.push(`(${title} body of ${String(body.original_bytes)} bytes ${reason})`);
    if (body.text !== '') lines.push(cut(body.text, limit));
    return lines;
  }
  if (!isObject(body)) return [...lines, cut(JSON.stringify(body) ?? String(body), limit)];
  const turns = walk(body);
  if (turns.length === 0) return [...lines, cut(JSON.stringify(body, null, 2), limit)];
  for (const turn of turns) {
    lines.push(`--- ${turn.role} ---`);
    for (const item of turn.items) lines.push(indent(cut(item, limit)));
  }
  return lines;
}

function requestTurns(format: TraceRecord['inbound']['format'], body: Json): Turn[] {
  const turns = new TurnList();
  switch (format) {
    case 'anthropic':
      turns.add('system', textOf(body.system));
      for (const message of arrayOf(body.messages)) for (const item of anthropicContent(message.content)) turns.add(roleOf(message), item);
      return turns.list;
    case 'openai-chat':
      for (const message of arrayOf(body.messages)) chatMessage(message, turns);
      return turns.list;
    case 'openai-responses':
      turns.add('system', textOf(body.instructions));
      if (typeof body.input === 'string') turns.add('user', body.input);
      for (const item of arrayOf(body.input)) responsesItem(item, turns);
      return turns.list;
    default: {
      const unhandled: never = format;
      return unhandled;
    }
  }
}

function responseTurns(format: TraceRecord['inbound']['format'], body: Json): Turn[] {
  const turns = new TurnList();
  switch (format) {
    case 'anthropic':
      for (const item of anthropicContent(body.content)) turns.add('assistant', item);
      return turns.list;
    case 'openai-chat':
      for (const choice of arrayOf(body.choices)) if (isObject(choice.message)) chatMessage(choice.message, turns);
      return turns.list;
    case 'openai-responses':
      for (const item of arrayOf(body.output)) responsesItem(item, turns);
      return turns.list;
    default: {
      const unhandled: never = format;
      return unhandled;
    }
  }
}

function anthropicContent(content: unknown): string[] {
  if (typeof content === 'string') return [content];
  return arrayOf(content).map((block) => {
    switch (block.type) {
      case 'text':
        return String(block.text ?? '');
      case 'thinking':
        return `[reasoning] ${String(block.thinking ?? '')}`;
      case 'redacted_thinking':
        return '[reasoning, redacted]';
      case 'tool_use':
      case 'server_tool_use':
        return `[tool call ${String(block.name)} ${String(block.id)}] ${JSON.stringify(block.input)}`;
      case 'tool_result':
        return `[tool result ${String(block.tool_use_id)}${block.is_error === true ? ', error' : ''}] ${textOf(block.content)}`;
      default:
        return `[${String(block.type)}]`;
    }
  });
}

function chatMessage(message: Json, turns: TurnList): void {
  const role = roleOf(message);
  if (role === 'tool') {
    turns.add('tool', `[tool result ${String(message.tool_call_id)}] ${textOf(message.content)}`);
    return;
  }
  const speaker = role === 'developer' ? 'system' : role;
  if (typeof message.reasoning_content === 'string' && message.reasoning_content !== '') turns.add(speaker, `[reasoning] ${message.reasoning_content}`);
  turns.add(speaker, textOf(message.content));
  if (typeof message.refusal === 'string') turns.add(speaker, `[refusal] ${message.refusal}`);
  for (const call of arrayOf(message.tool_calls)) {
    const fn = isObject(call.function) ? call.function : isObject(call.custom) ? call.custom : {};
    turns.add(speaker, `[tool call ${String(fn.name)} ${String(call.id)}] ${String(fn.arguments ?? fn.input ?? '')}`);
  }
}

function responsesItem(item: Json, turns: TurnList): void {
  switch (item.type) {
    case undefined:
    case 'message': {
      const role = roleOf(item);
      turns.add(role === 'developer' ? 'system' : role, textOf(item.content));
      return;
    }
    case 'function_call':
      turns.add('assistant', `[tool call ${String(item.name)} ${String(item.call_id)}] ${String(item.arguments ?? '')}`);
      return;
    case 'custom_tool_call':
      turns.add('assistant', `[tool call ${String(item.name)} ${String(item.call_id)}] ${String(item.input ?? '')}`);
      return;
    case 'function_call_output':
    case 'custom_tool_call_output':
      turns.add('tool', `[tool result ${String(item.call_id)}] ${textOf(item.output)}`);
      return;
    case 'reasoning': {
      const summary = arrayOf(item.summary).map((part) => String(part.text ?? '')).join('\n');
      turns.add('assistant', summary === '' ? '[reasoning, encrypted]' : `[reasoning] ${summary}`);
      return;
    }
    default:
      turns.add('assistant', `[${String(item.type)}]`);
  }
}

/** Text of a string or an array of text-bearing parts of any of the three formats; other parts become labels. */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  return arrayOf(value)
    .map((part) => {
      if (typeof part.text === 'string') return part.text;
      if (typeof part.refusal === 'string') return `[refusal] ${part.refusal}`;
      return `[${String(part.type)}]`;
    })
    .join('\n');
}

/** Turns in order; consecutive items of one role share a turn. */
class TurnList {
  readonly list: Turn[] = [];

  add(role: string, item: string): void {
    if (item === '') return;
    const last = this.list[this.list.length - 1];
    if (last?.role === role) last.items.push(item);
    else this.list.push({ role, items: [item] });
  }
}

function roleOf(message: Json): string {
  return typeof message.role === 'string' ? message.role : 'unknown';
}

function arrayOf(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function indent(text: string): string {
  return `  ${text.replaceAll('\n', '\n  ')}`;
}

function cut(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}… (${text.length - limit} more characters; --full shows all)`;
}

/** `340 ms`, `1.24 s`, `2 min 05 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

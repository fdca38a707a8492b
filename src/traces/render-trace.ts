import { isObject, requestConversation, responseConversation, type ConversationPart, type ConversationTurn } from './trace-conversation.js';
import type { TraceRecord } from './trace-record.js';

export interface RenderOptions {
  /** Print whole texts; otherwise each item is cut at `maxItemChars`. */
  full?: boolean;
  maxItemChars?: number;
}

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
  if (record.request !== undefined) lines.push('', ...section('request', record.request, (body) => requestConversation(record.inbound.format, body), limit));
  if (record.response !== undefined) lines.push('', ...section('response', record.response, (body) => responseConversation(record.inbound.format, body), limit));
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

function section(title: string, body: unknown, walk: (body: Record<string, unknown>) => ConversationTurn[], limit: number): string[] {
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
    for (const part of turn.parts) lines.push(indent(cut(partText(part), limit)));
  }
  return lines;
}

/** A part as one line of text, with its kind as a bracketed label. */
export function partText(part: ConversationPart): string {
  switch (part.kind) {
    case 'text':
      return part.text;
    case 'reasoning':
      return part.hidden ? `[reasoning, ${part.hidden}]` : `[reasoning] ${part.text}`;
    case 'tool_call':
      return `[tool call ${part.name} ${part.id}] ${part.input}`;
    case 'tool_result':
      return `[tool result ${part.id}${part.error ? ', error' : ''}] ${part.text}`;
    case 'refusal':
      return `[refusal] ${part.text}`;
    case 'other':
      return `[${part.type}]`;
    default: {
      const unhandled: never = part;
      return unhandled;
    }
  }
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

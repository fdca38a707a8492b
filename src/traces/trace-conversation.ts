import { RawJson } from './raw-json.js';
import type { TraceInbound } from './trace-record.js';

/** One piece of a turn, as a reader sees it. */
export type ConversationPart =
  | { kind: 'text'; text: string }
  /** `text` is empty when the provider sent the reasoning redacted or encrypted. */
  | { kind: 'reasoning'; text: string; hidden?: 'redacted' | 'encrypted' }
  | { kind: 'tool_call'; name: string; id: string; input: string }
  | { kind: 'tool_result'; id: string; text: string; error: boolean }
  | { kind: 'refusal'; text: string }
  /** A block or item of a type not rendered here (an image, a hosted tool call...). */
  | { kind: 'other'; type: string };

/** One speaker's turn: consecutive parts of one role share a turn. */
export interface ConversationTurn {
  /** `system`, `user`, `assistant`, `tool`, or the role the body named. */
  role: string;
  parts: ConversationPart[];
}

type Format = TraceInbound['format'];
type Json = Record<string, unknown>;

/**
 * A request body as a conversation: system prompt, messages, tool calls and
 * their results, in the client's wire format. Each format's known shapes are
 * walked; anything unknown becomes an `other` part, so a new content type
 * degrades to a label instead of an error. Used by `switchboard traces show`,
 * the web console and OpenTelemetry content capture.
 */
export function requestConversation(format: Format, body: Json): ConversationTurn[] {
  const turns = new TurnList();
  switch (format) {
    case 'anthropic':
      turns.addText('system', textOf(body.system));
      for (const message of arrayOf(body.messages)) for (const part of anthropicContent(message.content)) turns.add(roleOf(message), part);
      return turns.list;
    case 'openai-chat':
      for (const message of arrayOf(body.messages)) chatMessage(message, turns);
      return turns.list;
    case 'openai-responses':
      turns.addText('system', textOf(body.instructions));
      if (typeof body.input === 'string') turns.addText('user', body.input);
      for (const item of arrayOf(body.input)) responsesItem(item, turns);
      return turns.list;
    default: {
      const unhandled: never = format;
      return unhandled;
    }
  }
}

/** A response body (in the client's wire format; a streamed answer as assembled) as the assistant's turns. */
export function responseConversation(format: Format, body: Json): ConversationTurn[] {
  const turns = new TurnList();
  switch (format) {
    case 'anthropic':
      for (const part of anthropicContent(body.content)) turns.add('assistant', part);
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

/**
 * A record's body as an object to walk: parsed when it is still the JSON
 * text the client sent (a record not yet written), undefined when it is not
 * an object or was truncated at `max_body_kb`.
 */
export function bodyObject(body: unknown): Json | undefined {
  let value = body;
  if (body instanceof RawJson) {
    try {
      value = JSON.parse(body.text);
    } catch {
      return undefined;
    }
  }
  if (!isObject(value) || value.truncated === true) return undefined;
  return value;
}

function anthropicContent(content: unknown): ConversationPart[] {
  if (typeof content === 'string') return [{ kind: 'text', text: content }];
  return arrayOf(content).map((block): ConversationPart => {
    switch (block.type) {
      case 'text':
        return { kind: 'text', text: String(block.text ?? '') };
      case 'thinking':
        return { kind: 'reasoning', text: String(block.thinking ?? '') };
      case 'redacted_thinking':
        return { kind: 'reasoning', text: '', hidden: 'redacted' };
      case 'tool_use':
      case 'server_tool_use':
        return { kind: 'tool_call', name: String(block.name), id: String(block.id), input: JSON.stringify(block.input) ?? '' };
      case 'tool_result':
        return { kind: 'tool_result', id: String(block.tool_use_id), text: textOf(block.content), error: block.is_error === true };
      default:
        return { kind: 'other', type: String(block.type) };
    }
  });
}

function chatMessage(message: Json, turns: TurnList): void {
  const role = roleOf(message);
  if (role === 'tool') {
    turns.add('tool', { kind: 'tool_result', id: String(message.tool_call_id), text: textOf(message.content), error: false });
    return;
  }
  const speaker = role === 'developer' ? 'system' : role;
  if (typeof message.reasoning_content === 'string' && message.reasoning_content !== '') turns.add(speaker, { kind: 'reasoning', text: message.reasoning_content });
  turns.addText(speaker, textOf(message.content));
  if (typeof message.refusal === 'string') turns.add(speaker, { kind: 'refusal', text: message.refusal });
  for (const call of arrayOf(message.tool_calls)) {
    const fn = isObject(call.function) ? call.function : isObject(call.custom) ? call.custom : {};
    turns.add(speaker, { kind: 'tool_call', name: String(fn.name), id: String(call.id), input: String(fn.arguments ?? fn.input ?? '') });
  }
}

function responsesItem(item: Json, turns: TurnList): void {
  switch (item.type) {
    case undefined:
    case 'message': {
      const role = roleOf(item);
      turns.addText(role === 'developer' ? 'system' : role, textOf(item.content));
      return;
    }
    case 'function_call':
      turns.add('assistant', { kind: 'tool_call', name: String(item.name), id: String(item.call_id), input: String(item.arguments ?? '') });
      return;
    case 'custom_tool_call':
      turns.add('assistant', { kind: 'tool_call', name: String(item.name), id: String(item.call_id), input: String(item.input ?? '') });
      return;
    case 'function_call_output':
    case 'custom_tool_call_output':
      turns.add('tool', { kind: 'tool_result', id: String(item.call_id), text: textOf(item.output), error: false });
      return;
    case 'reasoning': {
      const summary = arrayOf(item.summary).map((part) => String(part.text ?? '')).join('\n');
      turns.add('assistant', summary === '' ? { kind: 'reasoning', text: '', hidden: 'encrypted' } : { kind: 'reasoning', text: summary });
      return;
    }
    default:
      turns.add('assistant', { kind: 'other', type: String(item.type) });
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

/** Turns in order; consecutive parts of one role share a turn, and empty texts are left out. */
class TurnList {
  readonly list: ConversationTurn[] = [];

  addText(role: string, text: string): void {
    if (text !== '') this.add(role, { kind: 'text', text });
  }

  add(role: string, part: ConversationPart): void {
    if (part.kind === 'text' && part.text === '') return;
    const last = this.list[this.list.length - 1];
    if (last?.role === role) last.parts.push(part);
    else this.list.push({ role, parts: [part] });
  }
}

function roleOf(message: Json): string {
  return typeof message.role === 'string' ? message.role : 'unknown';
}

function arrayOf(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

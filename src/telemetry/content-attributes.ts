import type { Attributes } from '@opentelemetry/api';
import { bodyObject, requestConversation, responseConversation, type ConversationPart, type ConversationTurn } from '../traces/trace-conversation.js';
import type { TraceRecord } from '../traces/trace-record.js';

/** A message part as the GenAI conventions write it in `gen_ai.input.messages` and `gen_ai.output.messages`. */
type MessagePart =
  | { type: 'text'; content: string }
  | { type: 'reasoning'; content: string }
  | { type: 'tool_call'; id: string; name: string; arguments: unknown }
  | { type: 'tool_call_response'; id: string; response: string }
  | { type: string; content?: string };

/**
 * The prompt and the answer of a request as the GenAI conventions' content
 * attributes (JSON text): `gen_ai.system_instructions`,
 * `gen_ai.input.messages` and `gen_ai.output.messages`. Read from the bodies
 * in the client's wire format through the same conversation model as
 * `switchboard traces show`; a truncated body gives no attribute.
 */
export function contentAttributes(record: TraceRecord): Attributes {
  const attributes: Attributes = {};
  const request = bodyObject(record.request);
  if (request) {
    const turns = requestConversation(record.inbound.format, request);
    const system = turns.filter((turn) => turn.role === 'system').flatMap((turn) => turn.parts.map(messagePart));
    if (system.length > 0) attributes['gen_ai.system_instructions'] = JSON.stringify(system);
    attributes['gen_ai.input.messages'] = JSON.stringify(messages(turns.filter((turn) => turn.role !== 'system')));
  }
  const response = bodyObject(record.response);
  if (response) {
    const finishReason = record.stop_reason ?? undefined;
    attributes['gen_ai.output.messages'] = JSON.stringify(messages(responseConversation(record.inbound.format, response)).map((message) => ({ ...message, finish_reason: finishReason })));
  }
  return attributes;
}

function messages(turns: ConversationTurn[]): Array<{ role: string; parts: MessagePart[] }> {
  return turns.map((turn) => ({ role: turn.role, parts: turn.parts.map(messagePart) }));
}

function messagePart(part: ConversationPart): MessagePart {
  switch (part.kind) {
    case 'text':
      return { type: 'text', content: part.text };
    case 'reasoning':
      return { type: 'reasoning', content: part.hidden ? `[${part.hidden}]` : part.text };
    case 'tool_call':
      return { type: 'tool_call', id: part.id, name: part.name, arguments: parsedOrText(part.input) };
    case 'tool_result':
      return { type: 'tool_call_response', id: part.id, response: part.text };
    case 'refusal':
      return { type: 'refusal', content: part.text };
    case 'other':
      return { type: part.type };
    default: {
      const unhandled: never = part;
      return unhandled;
    }
  }
}

/** Tool arguments are JSON text in most formats, free text in custom tools (apply_patch). */
function parsedOrText(input: string): unknown {
  try {
    return JSON.parse(input);
  } catch {
    return input;
  }
}

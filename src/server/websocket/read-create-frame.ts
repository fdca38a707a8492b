import { GatewayError } from '../../errors/gateway-error.js';

/** A `response.create` frame, split into what the connection handles and the request it carries. */
export interface CreateFrame {
  /** The response this one continues, on the same connection. */
  previousResponseId: string | undefined;
  /** False for a warm-up: the request is remembered and answered with an empty response, no model is called. */
  generate: boolean;
  /** The frame's input items as comma-joined JSON texts (the inside of a JSON array); empty when it has none. */
  newItems: string;
  /** The request's other top-level fields, `stream: true` included; `input` is added when the frame is expanded. */
  fields: Record<string, unknown>;
}

/**
 * Reads a client frame of the Responses WebSocket. The body of a
 * `response.create` is a Responses request, plus `type`, the WebSocket-only
 * `generate` (Codex 0.169 sends `generate: false` to warm the connection up
 * with its instructions and tools before the first turn), and
 * `previous_response_id`, which here names a response of this connection.
 * Every answer streams, so `stream` is forced on; `background` has no meaning
 * on a socket and is refused, as OpenAI does.
 */
export function readCreateFrame(frame: Record<string, unknown>): CreateFrame {
  const { type, generate, previous_response_id: previous, input, ...fields } = frame;
  if (type !== 'response.create') {
    throw new GatewayError('SB_REQUEST_INVALID', `type: this endpoint takes "response.create" frames, got ${JSON.stringify(type ?? null)}`);
  }
  if (generate !== undefined && typeof generate !== 'boolean') throw new GatewayError('SB_REQUEST_INVALID', 'generate: a boolean is required');
  if (previous !== undefined && previous !== null && (typeof previous !== 'string' || previous === '')) {
    throw new GatewayError('SB_REQUEST_INVALID', 'previous_response_id: a non-empty string is required');
  }
  if (fields.background === true) throw new GatewayError('SB_REQUEST_INVALID', 'background: not supported over WebSocket; use POST /v1/responses');
  fields.stream = true;
  return { previousResponseId: previous ?? undefined, generate: generate !== false, newItems: itemsText(input), fields };
}

/** The request body with its whole input: the request's fields, then `input` as the given JSON array text. */
export function requestBodyText(fields: Record<string, unknown>, inputJson: string): string {
  const head = JSON.stringify(fields);
  return head === '{}' ? `{"input":${inputJson}}` : `${head.slice(0, -1)},"input":${inputJson}}`;
}

function itemsText(input: unknown): string {
  if (input === undefined || input === null) return '';
  // A string input is the Responses API's shorthand for one user message.
  if (typeof input === 'string') return JSON.stringify({ type: 'message', role: 'user', content: input });
  if (!Array.isArray(input)) throw new GatewayError('SB_REQUEST_INVALID', 'input: a string or an array of items is required');
  return JSON.stringify(input).slice(1, -1);
}

import type { GatewayError } from '../../errors/gateway-error.js';
import { formatSseEvent } from '../../sse/format-sse-event.js';
import { toOpenaiErrorType } from '../shared/error-types.js';
import { isRecord } from '../shared/tool-input.js';
import type { ChatErrorBody } from './wire-types.js';

/**
 * An OpenAI error body. `code` is the gateway's own error code when the
 * gateway produced the error (clients can match on SB_…), else the OpenAI
 * code of the mapped type.
 */
export function encodeChatErrorPayload(type: string | undefined, status: number | undefined, message: string, gatewayCode?: string): ChatErrorBody {
  const mapped = toOpenaiErrorType(type, status);
  return { error: { message, type: mapped.type, param: null, code: gatewayCode ?? mapped.code } };
}

/** A gateway or relayed upstream error as an OpenAI error body; a relayed error keeps the provider's message. */
export function encodeChatError(error: GatewayError): ChatErrorBody {
  if (error.upstream !== undefined) {
    const payload = encodeChatErrorPayload(error.upstream.type ?? error.type, error.upstream.status, error.upstream.message);
    // An OpenAI-vocabulary upstream code (`context_length_exceeded`) says more than the mapped one.
    if (error.upstream.type !== undefined && payload.error.type !== error.upstream.type) payload.error.code = error.upstream.type;
    return payload;
  }
  return encodeChatErrorPayload(error.type, error.status, error.message, error.code);
}

/** The same error as the data chunk OpenAI sends when a stream fails after it started (no `[DONE]` follows). */
export function encodeChatStreamError(error: GatewayError): string {
  return formatSseEvent(JSON.stringify(encodeChatError(error)));
}

/** Reads an OpenAI-style error body `{"error":{"message","type","code"}}`; the more specific `code` is preferred as the type. */
export function decodeChatErrorBody(body: unknown): { type?: string; message: string } | undefined {
  if (!isRecord(body)) return undefined;
  const error = body.error;
  if (typeof error === 'string') return { message: error };
  if (!isRecord(error) || typeof error.message !== 'string') return undefined;
  const type = typeof error.code === 'string' ? error.code : typeof error.type === 'string' ? error.type : undefined;
  return type === undefined ? { message: error.message } : { type, message: error.message };
}

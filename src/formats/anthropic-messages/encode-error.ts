import type { GatewayError } from '../../errors/gateway-error.js';
import { formatSseEvent } from '../../sse/format-sse-event.js';
import { toAnthropicErrorType } from '../shared/error-types.js';
import { isRecord } from '../shared/tool-input.js';
import type { AnthropicErrorBody } from './wire-types.js';

/**
 * A gateway or relayed upstream error as an Anthropic error body. A relayed
 * error keeps the provider's own message; its type is mapped into
 * Anthropic's vocabulary when the provider spoke OpenAI's.
 */
export function encodeAnthropicError(error: GatewayError): AnthropicErrorBody & Record<string, unknown> {
  const type = toAnthropicErrorType(error.upstream?.type ?? error.type, error.upstream?.status ?? error.status);
  return { type: 'error', error: { type, message: error.upstream?.message ?? error.message } };
}

/** The same error as an `event: error` of a stream that already started (passthrough streams). */
export function encodeAnthropicStreamError(error: GatewayError): string {
  return formatSseEvent(JSON.stringify(encodeAnthropicError(error)), 'error');
}

/** Reads an Anthropic error body: `{"type":"error","error":{"type":…,"message":…}}`. */
export function decodeAnthropicErrorBody(body: unknown): { type?: string; message: string } | undefined {
  if (!isRecord(body) || !isRecord(body.error)) return undefined;
  const { type, message } = body.error;
  if (typeof message !== 'string') return undefined;
  return typeof type === 'string' ? { type, message } : { message };
}

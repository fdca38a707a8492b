import type { EncodeContext } from '../../canonical/codec.js';
import type { GatewayError } from '../../errors/gateway-error.js';
import { formatSseEvent } from '../../sse/format-sse-event.js';
import { toAnthropicErrorType, toOpenaiErrorType } from '../shared/error-types.js';
import { isRecord } from '../shared/tool-input.js';
import { createResponseShell } from './encode-response.js';
import type { ResponsesErrorBody, ResponsesErrorObject } from './wire-types.js';

/**
 * A gateway or relayed upstream error as an OpenAI error body. A relayed
 * error keeps the upstream's message and gets the OpenAI code of its kind
 * (what SDKs and Codex branch on); an error of the gateway's own carries its
 * `SB_…` code, which users match on.
 */
export function encodeResponsesError(error: GatewayError): ResponsesErrorBody {
  const openai = toOpenaiErrorType(error.upstream?.type ?? error.type, error.status);
  const code = error.upstream === undefined ? error.code : (contextWindowCode(error.message) ?? openai.code);
  return { error: { message: error.message, type: openai.type, param: null, code } };
}

/**
 * The `response.error` of a failed response. Codex reads its `code`:
 * `context_length_exceeded` makes it compact the history, `insufficient_quota`
 * stops, and `rate_limit_exceeded` with "try again in Ns" in the message
 * waits that long; anything else is retried.
 */
export function responsesFailure(type: string | undefined, status: number | undefined, message: string): ResponsesErrorObject {
  return { code: contextWindowCode(message) ?? toOpenaiErrorType(type, status).code ?? 'server_error', message };
}

/**
 * Every provider words "the prompt is too long" differently and none with a
 * code Codex knows (Anthropic: `invalid_request_error` "prompt is too long";
 * Chat Completions: `context_length_exceeded`), so the message decides.
 */
function contextWindowCode(message: string): 'context_length_exceeded' | undefined {
  const lower = message.toLowerCase();
  return lower.includes('prompt is too long') || lower.includes('context_length_exceeded') || lower.includes('maximum context length') || lower.includes('context window')
    ? 'context_length_exceeded'
    : undefined;
}

/**
 * The Responses `error` event for a stream that fails. Besides the documented
 * fields it carries an `error` object: the openai SDK throws only on events
 * whose data has `error`, and would otherwise hand its caller a half-finished
 * response as if it were complete. Codex ignores `error` events and reads the
 * `response.failed` that follows.
 */
export function responsesErrorEventFields(failure: ResponsesErrorObject): Record<string, unknown> {
  return { code: failure.code, message: failure.message, param: null, error: { type: 'server_error', code: failure.code, message: failure.message } };
}

/**
 * A passthrough stream that broke, closed with an `error` event and
 * `response.failed` (see responsesErrorEventFields). The real stream's response
 * id and last `sequence_number` are not known here, so the response gets a
 * fresh id and the largest safe sequence numbers, which still sort after every
 * event already sent (the SDK's `starting_after` filter compares numbers).
 */
export function encodeResponsesStreamError(error: GatewayError, clientModel: string): string {
  const context: EncodeContext = { clientModel, request: { model: clientModel, stream: true, system: [], messages: [], tools: [] } };
  const failure = responsesFailure(error.upstream?.type ?? error.type, error.status, error.message);
  const response = { ...createResponseShell(context, `resp_${error.code.toLowerCase()}`, Math.floor(Date.now() / 1000)), status: 'failed', error: failure };
  return (
    formatSseEvent(JSON.stringify({ type: 'error', sequence_number: Number.MAX_SAFE_INTEGER - 1, ...responsesErrorEventFields(failure) }), 'error') +
    formatSseEvent(JSON.stringify({ type: 'response.failed', sequence_number: Number.MAX_SAFE_INTEGER, response }), 'response.failed')
  );
}

/** An upstream OpenAI error body -> its type (in the gateway's vocabulary) and message. */
export function decodeResponsesErrorBody(body: unknown): { type?: string; message: string } | undefined {
  const error = isRecord(body) ? body.error : undefined;
  if (!isRecord(error) || typeof error.message !== 'string') return undefined;
  return { type: gatewayErrorType(error.code, error.type), message: error.message };
}

/**
 * OpenAI errors carry a specific `code` (`rate_limit_exceeded`) and a broad
 * `type` (`invalid_request_error`); the code decides when it is one the
 * gateway knows, else the type.
 */
export function gatewayErrorType(code: unknown, type: unknown): string {
  const byCode = typeof code === 'string' ? toAnthropicErrorType(code, undefined) : 'api_error';
  return byCode !== 'api_error' || typeof type !== 'string' ? byCode : toAnthropicErrorType(type, undefined);
}

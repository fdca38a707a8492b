import type { FormatCodec } from '../canonical/codec.js';
import type { StreamError } from '../canonical/stream.js';
import type { ResolvedProvider } from '../config/snapshot.js';
import { isErrorCode } from '../errors/codes.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { UpstreamResponse } from '../upstream/call-upstream.js';
import { relayableHeaders } from './response-headers.js';
import { readCappedBody } from '../upstream/read-upstream-body.js';

/** Statuses after which another attempt may succeed: rate limits, server errors, Anthropic's 529 overloaded. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

const statusByErrorType: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/**
 * Error bodies are read up to this many bytes: a message fits many times over, and an upstream that
 * answers with an endless error body cannot hold the gateway's memory.
 */
const maxErrorBodyBytes = 64 * 1024;

/** Reads an upstream error response (status >= 400) into the error relayed to the client, with every gateway credential redacted. */
export async function readUpstreamHttpError(response: UpstreamResponse, provider: ResolvedProvider, codec: FormatCodec | undefined): Promise<GatewayError> {
  const status = response.statusCode;
  let text = '';
  try {
    text = (await readCappedBody(response.body, maxErrorBodyBytes)).text;
  } catch {
    // The body broke off; the status alone still says what happened.
  }
  let detail: { type?: string; message: string } | undefined;
  if (status === 401 || status === 403) {
    // The provider refused the gateway's own credential, not the client's key. Its text is not relayed:
    // proxies quote the credential they refused, and the client can do nothing about it anyway.
    detail = { type: status === 401 ? 'authentication_error' : 'permission_error', message: `the gateway's credential for provider "${provider.name}" was refused (HTTP ${status})` };
  } else if (codec && text !== '') {
    try {
      detail = codec.decodeErrorBody(JSON.parse(text));
    } catch {
      detail = undefined;
    }
  }
  const message = provider.redactSecrets(detail?.message ?? (text.slice(0, 500) || `HTTP ${status}`));
  const type = detail?.type === undefined ? undefined : provider.redactSecrets(detail.type);
  const retryAfter = parseRetryAfter(response.headers['retry-after']);
  const headers = relayableHeaders(response.headers, undefined);
  return new GatewayError('SB_UPSTREAM_HTTP', message, {
    status,
    ...(type ? { type } : {}),
    retryable: isRetryableStatus(status),
    upstream: { provider: provider.name, status, message, ...(type ? { type } : {}), headers },
    ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }),
  });
}

/** A stream error part with every gateway credential removed from its text, before it is relayed, assembled or traced. */
export function redactStreamError(error: StreamError, provider: ResolvedProvider): StreamError {
  const redacted: StreamError = { ...error, type: provider.redactSecrets(error.type), message: provider.redactSecrets(error.message) };
  if (error.code !== undefined) redacted.code = provider.redactSecrets(error.code);
  return redacted;
}

/** An error event inside an upstream stream (e.g. Anthropic `overloaded_error` right after 200). */
export function streamErrorToGatewayError(error: StreamError, provider: ResolvedProvider): GatewayError {
  // The gateway's own failures (a broken connection, a timeout, a malformed event) keep their code.
  if (error.code !== undefined && isErrorCode(error.code) && error.code !== 'SB_UPSTREAM_HTTP') {
    return new GatewayError(error.code, error.message);
  }
  const status = error.status ?? statusByErrorType[error.type] ?? 502;
  return new GatewayError('SB_UPSTREAM_HTTP', error.message, {
    status,
    type: error.type,
    retryable: isRetryableStatus(status),
    upstream: { provider: provider.name, status, type: error.type, message: error.message },
  });
}

/** `retry-after` in seconds (delta-seconds or an HTTP date). */
export function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text === '') return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

import type { FormatCodec } from '../canonical/codec.js';
import type { StreamError } from '../canonical/stream.js';
import type { ResolvedProvider } from '../config/snapshot.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { UpstreamResponse } from '../upstream/call-upstream.js';
import { relayableHeaders } from './response-headers.js';

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

/** Reads an upstream error response (status >= 400) into the error relayed to the client. */
export async function readUpstreamHttpError(response: UpstreamResponse, provider: ResolvedProvider, codec: FormatCodec | undefined): Promise<GatewayError> {
  let text = '';
  try {
    text = await response.body.text();
  } catch {
    // The body broke off; the status alone still says what happened.
  }
  let detail: { type?: string; message: string } | undefined;
  if (codec && text !== '') {
    try {
      detail = codec.decodeErrorBody(JSON.parse(text));
    } catch {
      detail = undefined;
    }
  }
  const message = detail?.message ?? (text.slice(0, 500) || `HTTP ${response.statusCode}`);
  const retryAfter = parseRetryAfter(response.headers['retry-after']);
  const headers = relayableHeaders(response.headers, undefined);
  return new GatewayError('SB_UPSTREAM_HTTP', message, {
    status: response.statusCode,
    ...(detail?.type ? { type: detail.type } : {}),
    retryable: isRetryableStatus(response.statusCode),
    upstream: { provider: provider.name, status: response.statusCode, message, ...(detail?.type ? { type: detail.type } : {}), headers },
    ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }),
  });
}

/** An error event inside an upstream stream (e.g. Anthropic `overloaded_error` right after 200). */
export function streamErrorToGatewayError(error: StreamError, provider: ResolvedProvider): GatewayError {
  if (error.code === 'SB_UPSTREAM_STREAM_BROKEN' || error.code === 'SB_UPSTREAM_TIMEOUT') {
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

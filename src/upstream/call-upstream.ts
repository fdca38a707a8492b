import type { Dispatcher } from 'undici';
import type { ResolvedProvider } from '../config/snapshot.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { ProviderConnection } from './dispatcher-pool.js';
import type { UpstreamAttempt } from './upstream-attempt.js';

export interface UpstreamCall {
  connection: ProviderConnection;
  /** The endpoint path of the format (`/v1/messages`, `/chat/completions`...), appended to the base URL's path. */
  path: string;
  headers: Record<string, string>;
  body: string | Buffer;
  /** The try this call belongs to: its signal, first-byte clock and connection slot. */
  attempt: UpstreamAttempt;
}

export type UpstreamResponse = Dispatcher.ResponseData;

/**
 * Sends one request to a provider once a pooled connection is free (waiting at
 * most `timeouts.queue_ms`, and never past the attempt's first-byte clock).
 * Resolves once the response headers are in (the body streams on); the
 * connection slot is given back when the body closes. Transport failures
 * become GatewayErrors with the undici code kept in the message and the
 * original as `cause`.
 */
export async function callUpstream(call: UpstreamCall): Promise<UpstreamResponse> {
  const { attempt, connection } = call;
  let release: (() => void) | undefined;
  try {
    release = await connection.gate.acquire(attempt.signal, Math.min(attempt.provider.timeouts.queueMs, attempt.remainingMs()));
    attempt.holdSlot(release);
    const response = await connection.pool.request({
      method: 'POST',
      path: connection.pathPrefix + call.path,
      headers: call.headers,
      body: call.body,
      signal: attempt.signal,
    });
    response.body.once('close', release);
    return response;
  } catch (error) {
    release?.();
    throw upstreamTransportError(error, attempt.provider);
  }
}

/** Maps an undici or socket failure to the gateway error a client sees. */
export function upstreamTransportError(error: unknown, provider: ResolvedProvider): GatewayError {
  if (error instanceof GatewayError) return error;
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  const detail = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new GatewayError('SB_UPSTREAM_TIMEOUT', `provider "${provider.name}": connect timed out after ${provider.timeouts.connectMs} ms`, { cause: error });
    case 'UND_ERR_BODY_TIMEOUT':
      return new GatewayError('SB_UPSTREAM_TIMEOUT', `provider "${provider.name}": no data for ${provider.timeouts.idleMs} ms`, { cause: error });
    case 'UND_ERR_ABORTED':
    case 'ABORT_ERR':
      return new GatewayError('SB_UPSTREAM_CONNECT', `provider "${provider.name}": request aborted`, { cause: error, retryable: false });
    case 'UND_ERR_SOCKET':
      return new GatewayError('SB_UPSTREAM_STREAM_BROKEN', `provider "${provider.name}": connection closed (${detail})`, { cause: error });
    default:
      return new GatewayError('SB_UPSTREAM_CONNECT', `provider "${provider.name}" unreachable: ${code ? `${code} ` : ''}${detail}`, { cause: error });
  }
}

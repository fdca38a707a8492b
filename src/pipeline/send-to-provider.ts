import type { WireFormat } from '../canonical/types.js';
import { getCodec } from '../formats/index.js';
import { callUpstream, type UpstreamResponse } from '../upstream/call-upstream.js';
import type { DispatcherPool } from '../upstream/dispatcher-pool.js';
import type { UpstreamAttempt } from '../upstream/upstream-attempt.js';
import { buildUpstreamHeaders, endpointPaths } from '../upstream/upstream-request.js';
import type { ModelRequest, RequestOutcome } from './model-request.js';
import { isEventStream } from './response-headers.js';
import { readUpstreamHttpError } from './upstream-errors.js';

/**
 * Sends the request body to the provider and waits for its response headers;
 * an HTTP error status becomes a thrown GatewayError with the provider's own
 * message. The body is a parameter, not a local of the relay, so a 400 KiB
 * body is not kept alive for the minutes a stream may last.
 */
export async function sendToProvider(request: ModelRequest, attempt: UpstreamAttempt, format: WireFormat, body: string, outcome: RequestOutcome, pool: DispatcherPool): Promise<UpstreamResponse> {
  const sentAt = performance.now();
  const provider = attempt.provider;
  const response = await callUpstream({
    connection: pool.get(provider),
    path: ((request.endpoint === undefined ? undefined : endpointPaths[format][request.endpoint]) ?? endpointPaths[format].messages) + provider.baseQuery,
    headers: buildUpstreamHeaders(provider, format, request.inbound.format, request.headers),
    body,
    attempt,
  });
  outcome.upstreamMs = performance.now() - sentAt;
  // A whole body (an answer or an error) has begun; a stream's first byte is its first event (relay-stream).
  if (!isEventStream(response.headers)) attempt.firstByteArrived();
  if (response.statusCode >= 400) throw await readUpstreamHttpError(response, provider, getCodec(format));
  return response;
}

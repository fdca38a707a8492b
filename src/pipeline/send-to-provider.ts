import type { WireFormat } from '../canonical/types.js';
import type { ResolvedProvider } from '../config/snapshot.js';
import { getCodec } from '../formats/index.js';
import { callUpstream, type UpstreamResponse } from '../upstream/call-upstream.js';
import type { DispatcherPool } from '../upstream/dispatcher-pool.js';
import { buildUpstreamHeaders, endpointPaths } from '../upstream/upstream-request.js';
import type { ModelRequest, RequestOutcome } from './model-request.js';
import { readUpstreamHttpError } from './upstream-errors.js';

/**
 * Sends the request body to the provider and waits for its response headers;
 * an HTTP error status becomes a thrown GatewayError with the provider's own
 * message. The body is a parameter, not a local of the relay, so a 400 KiB
 * body is not kept alive for the minutes a stream may last.
 */
export async function sendToProvider(request: ModelRequest, provider: ResolvedProvider, format: WireFormat, body: string, outcome: RequestOutcome, pool: DispatcherPool): Promise<UpstreamResponse> {
  const sentAt = performance.now();
  const response = await callUpstream({
    provider,
    connection: pool.get(provider),
    path: endpointPaths[format].messages + provider.baseQuery,
    headers: buildUpstreamHeaders(provider, format, request.inbound.format, request.headers),
    body,
    signal: request.abort.signal,
  });
  outcome.upstreamMs = performance.now() - sentAt;
  if (response.statusCode >= 400) throw await readUpstreamHttpError(response, provider, getCodec(format));
  return response;
}

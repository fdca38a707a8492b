import type { WireFormat } from '../canonical/types.js';
import type { GatewayError } from '../errors/gateway-error.js';
import { getCodec } from '../formats/index.js';
import type { ClientResponse } from './client-response.js';
import { addClientEquivalents } from './rate-limit-headers.js';

/**
 * Answers with an error in the client's own wire format. `x-switchboard-error-source`
 * says whether the gateway refused the request or the provider did, so a
 * user reading curl output or a trace can tell which side to fix.
 */
export function sendClientError(client: ClientResponse, format: WireFormat, error: GatewayError): void {
  // A provider's 429 says when to come back (rate-limit headers); the client gets that in its own format.
  const relayed = error.upstream?.headers ? addClientEquivalents({ ...error.upstream.headers }, format, Date.now()) : undefined;
  const headers: Record<string, string> = { ...relayed, 'x-switchboard-error-source': error.upstream ? 'upstream' : 'gateway', 'x-switchboard-error-code': error.code };
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(Math.ceil(error.retryAfterSeconds));
  client.sendJson(error.status, JSON.stringify(getCodec(format).encodeError(error)), headers);
}

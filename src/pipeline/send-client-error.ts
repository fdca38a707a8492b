import type { WireFormat } from '../canonical/types.js';
import type { GatewayError } from '../errors/gateway-error.js';
import { getCodec } from '../formats/index.js';
import type { ClientResponse } from './client-response.js';

/**
 * Answers with an error in the client's own wire format. `x-switchboard-error-source`
 * says whether the gateway refused the request or the provider did, so a
 * user reading curl output or a trace can tell which side to fix.
 */
export function sendClientError(client: ClientResponse, format: WireFormat, error: GatewayError): void {
  const headers: Record<string, string> = { 'x-switchboard-error-source': error.upstream ? 'upstream' : 'gateway', 'x-switchboard-error-code': error.code };
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(Math.ceil(error.retryAfterSeconds));
  client.sendJson(error.status, JSON.stringify(getCodec(format).encodeError(error)), headers);
}

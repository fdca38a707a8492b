import type { CanonicalRequest, WireFormat } from '../../canonical/types.js';
import { GatewayError } from '../../errors/gateway-error.js';

/**
 * Refuses a request that holds parts only another format's provider can act
 * on (see `CanonicalRequest.boundTo`): dropping them would change the
 * conversation, so the client gets a 400 naming them and what to do instead.
 */
export function refuseBoundParts(request: CanonicalRequest, target: WireFormat): void {
  const bound = request.boundTo?.find((entry) => entry.format !== target);
  if (bound === undefined) return;
  throw new GatewayError(
    'SB_REQUEST_UNTRANSLATABLE',
    `${bound.path}: ${bound.reason}. The route's provider speaks ${target} and cannot read it; route this model to an ${bound.format} provider, or start a new conversation`,
  );
}

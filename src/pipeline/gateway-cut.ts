import { GatewayError } from '../errors/gateway-error.js';

/**
 * The reason the gateway aborted a request itself, when it did (the drain deadline aborts in-flight
 * requests with a `GatewayError`), as opposed to the client going away (a plain abort).
 */
export function gatewayCut(signal: AbortSignal): GatewayError | undefined {
  return signal.aborted && signal.reason instanceof GatewayError ? signal.reason : undefined;
}

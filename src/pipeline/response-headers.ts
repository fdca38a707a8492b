import type { IncomingHttpHeaders } from 'node:http';
import type { WireFormat } from '../canonical/types.js';
import { addClientEquivalents } from './rate-limit-headers.js';

/**
 * Codex's sticky-routing token: a Responses server returns it with the first
 * response of a turn and Codex sends it back, unchanged, on every later
 * request of that turn (codex-rs ModelClientSession.turn_state).
 */
export const turnStateHeader = 'x-codex-turn-state';

/** Upstream response headers worth relaying to the client: request ids, rate-limit state, and (to Responses clients) the turn state. */
export function isRelayedResponseHeader(name: string, clientFormat: WireFormat | undefined): boolean {
  return (
    name === 'request-id' ||
    name === 'x-request-id' ||
    name === 'retry-after' ||
    name.startsWith('anthropic-ratelimit-') ||
    name.startsWith('x-ratelimit-') ||
    name === 'openai-processing-ms' ||
    (name === turnStateHeader && clientFormat === 'openai-responses')
  );
}

/** The relayable upstream response headers, as they came. */
export function relayableHeaders(headers: IncomingHttpHeaders, clientFormat: WireFormat | undefined): Record<string, string> {
  const relayed: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined && isRelayedResponseHeader(name, clientFormat)) relayed[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return relayed;
}

/** The upstream response headers passed on to the client, plus their equivalents in the client's format (see rate-limit-headers.ts). */
export function relayedHeaders(headers: IncomingHttpHeaders, clientFormat: WireFormat, now: number = Date.now()): Record<string, string> {
  return addClientEquivalents(relayableHeaders(headers, clientFormat), clientFormat, now);
}

export function isEventStream(headers: IncomingHttpHeaders): boolean {
  const type = headers['content-type'];
  return typeof type === 'string' && type.startsWith('text/event-stream');
}

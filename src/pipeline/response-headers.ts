import type { IncomingHttpHeaders } from 'node:http';
import { isRelayedResponseHeader } from '../upstream/upstream-request.js';

/** The upstream response headers passed on to the client (request ids, rate-limit state). */
export function relayedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const relayed: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined && isRelayedResponseHeader(name)) relayed[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return relayed;
}

export function isEventStream(headers: IncomingHttpHeaders): boolean {
  const type = headers['content-type'];
  return typeof type === 'string' && type.startsWith('text/event-stream');
}

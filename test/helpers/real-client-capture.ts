import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A request recorded from a real client (test/fixtures/real-clients/). */
export interface RealClientCapture {
  client: string;
  note: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export function readCapture(name: string): RealClientCapture {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`../fixtures/real-clients/${name}`, import.meta.url)), 'utf8')) as RealClientCapture;
}

/** Headers fetch sets itself and refuses to take from a caller. */
const setByFetch = new Set(['host', 'connection', 'content-length', 'accept-encoding', 'transfer-encoding', 'keep-alive']);

/**
 * The captured header set as a test client can send it: what fetch sets
 * itself left out, and the client's credential (redacted in the capture)
 * replaced by `key`, in the header the client used.
 */
export function sendableHeaders(capture: RealClientCapture, key: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(capture.headers)) {
    if (setByFetch.has(name)) continue;
    if (name === 'authorization') headers[name] = `Bearer ${key}`;
    else if (name === 'x-api-key') headers[name] = key;
    else headers[name] = value;
  }
  return headers;
}

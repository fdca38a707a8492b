import type { WireFormat } from '../canonical/types.js';

/**
 * Which providers a client request header may reach. The lists are open by
 * prefix (`anthropic-*`, `x-claude-code-*`, `x-codex-*`...), so a header a
 * client version adds next month passes without a gateway release; each
 * prefix goes only to the provider formats that understand it. The table is
 * documented in docs/forwarding.md.
 *
 * - `all`: every provider (SDK identification, request ids both APIs accept).
 * - `anthropic`: Anthropic API and Claude Code headers; an OpenAI-compatible
 *   server has no use for `anthropic-beta`, and some log or refuse it.
 * - `openai`: OpenAI API headers (`openai-beta`), for Chat and Responses providers.
 * - `openai-responses`: Codex's identity and routing headers, which only a
 *   Responses server reads (a Chat server ignores them at best).
 * - `same-format`: only when the provider speaks the client's own format (`accept`).
 * - `never`: credentials, cookies, hop-by-hop and encoding headers, proxy
 *   headers, the gateway's own headers, and every header not listed.
 */
export type HeaderDestination = 'all' | 'anthropic' | 'openai' | 'openai-responses' | 'same-format' | 'never';

const never = new Set([
  // The client's credentials and cookies: the provider gets the gateway's own key.
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'cookie',
  // OpenAI account selectors belong to the client's key, not to the provider's.
  'openai-organization',
  'openai-project',
  // Hop-by-hop (RFC 9110 §7.6.1) and what undici sets from the body it sends.
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'content-type',
  'content-encoding',
  'expect',
  // The gateway decodes the upstream's body itself; it asks for identity encoding.
  'accept-encoding',
  // What a proxy in front of the gateway added about the client's network.
  'forwarded',
  'x-real-ip',
]);

const neverPrefixes = ['proxy-', 'x-forwarded-', 'x-switchboard-'];

/** A name that looks like it carries a secret (`x-claude-code-ide-authorization`, `x-foo-api-key`, `x-session-token`). */
const credentialLike = /(?:^|[-_])(?:auth|authorization|api-?key|apikey|key|token|secret|cookie|password|passwd|signature|credential|credentials)(?:[-_]|$)/;

const exact = new Map<string, HeaderDestination>([
  ['user-agent', 'all'],
  // A client-chosen request id: Anthropic and OpenAI both accept it and show it in their logs.
  ['x-client-request-id', 'all'],
  ['accept', 'same-format'],
  ['x-app', 'anthropic'],
  ['openai-beta', 'openai'],
  // Codex 0.169 sends session-id/thread-id; earlier versions session_id/conversation_id.
  ['session-id', 'openai-responses'],
  ['thread-id', 'openai-responses'],
  ['session_id', 'openai-responses'],
  ['conversation_id', 'openai-responses'],
  ['originator', 'openai-responses'],
]);

const prefixes: Array<[string, HeaderDestination]> = [
  ['x-stainless-', 'all'],
  ['anthropic-', 'anthropic'],
  ['x-anthropic-', 'anthropic'],
  // x-claude-code-* (session, agent, parent agent, request class...), x-claude-1p-*, x-claude-remote-*.
  ['x-claude-', 'anthropic'],
  // x-codex-turn-state (sticky routing), -turn-metadata, -window-id, -parent-thread-id, -beta-features...
  ['x-codex-', 'openai-responses'],
  // x-openai-subagent, x-openai-internal-codex-responses-lite...
  ['x-openai-', 'openai-responses'],
  ['x-responsesapi-', 'openai-responses'],
];

/** Decisions by lower-case header name; client header names are few, so the cache stays small. */
const decided = new Map<string, HeaderDestination>();
const maxDecided = 512;

/** Where a client request header (lower-case name) may be forwarded. */
export function headerDestination(name: string): HeaderDestination {
  let destination = decided.get(name);
  if (destination === undefined) {
    destination = decide(name);
    if (decided.size < maxDecided) decided.set(name, destination);
  }
  return destination;
}

function decide(name: string): HeaderDestination {
  if (never.has(name) || neverPrefixes.some((prefix) => name.startsWith(prefix)) || credentialLike.test(name)) return 'never';
  const listed = exact.get(name);
  if (listed !== undefined) return listed;
  for (const [prefix, destination] of prefixes) if (name.startsWith(prefix)) return destination;
  return 'never';
}

/** Whether a header with this destination goes to a provider of `upstreamFormat`, for a client of `clientFormat`. */
export function reachesProvider(destination: HeaderDestination, upstreamFormat: WireFormat, clientFormat: WireFormat): boolean {
  switch (destination) {
    case 'all':
      return true;
    case 'anthropic':
      return upstreamFormat === 'anthropic';
    case 'openai':
      return upstreamFormat !== 'anthropic';
    case 'openai-responses':
      return upstreamFormat === 'openai-responses';
    case 'same-format':
      return upstreamFormat === clientFormat;
    case 'never':
      return false;
    default: {
      const unexpected: never = destination;
      throw new Error(`unknown header destination ${String(unexpected)}`);
    }
  }
}

/** Header names the client declared hop-by-hop in its `connection` header (RFC 9110 §7.6.1). */
export function connectionTokens(connection: string | string[] | undefined): Set<string> | undefined {
  if (connection === undefined) return undefined;
  const text = Array.isArray(connection) ? connection.join(',') : connection;
  if (!text.includes(',') && (text === 'keep-alive' || text === 'close')) return undefined;
  return new Set(text.split(',').map((token) => token.trim().toLowerCase()));
}

import type { WireFormat } from '../canonical/types.js';
import type { ResolvedProvider } from '../config/snapshot.js';
import { GatewayError } from '../errors/gateway-error.js';

/**
 * The endpoint path appended to a provider's `base_url`, following the
 * official SDKs' conventions: Anthropic's base URL has no `/v1`
 * (`https://api.anthropic.com`), OpenAI-style base URLs include it
 * (`https://api.openai.com/v1`, `https://openrouter.ai/api/v1`).
 */
export const endpointPaths: Record<WireFormat, { messages: string; countTokens?: string; compact?: string }> = {
  anthropic: { messages: '/v1/messages', countTokens: '/v1/messages/count_tokens' },
  'openai-chat': { messages: '/chat/completions' },
  'openai-responses': { messages: '/responses', compact: '/responses/compact' },
};

const anthropicVersion = '2023-06-01';

/**
 * Client headers forwarded to every provider: user agent and the coding agents' session headers (Claude
 * Code's `x-claude-code-session-id` and `x-app`; Codex's `session-id`/`thread-id` since 0.169, `session_id`/
 * `conversation_id` before, `originator`, `x-client-request-id`, `x-codex-*`). Everything else (credentials,
 * cookies, hop-by-hop, encodings) stays behind.
 */
const commonForwarded = new Set(['user-agent', 'x-claude-code-session-id', 'x-app', 'session-id', 'thread-id', 'session_id', 'conversation_id', 'originator', 'x-client-request-id']);
/** Client headers forwarded only when the provider speaks the client's own family. */
const anthropicForwarded = new Set(['anthropic-version', 'anthropic-beta']);
const openaiForwarded = new Set(['openai-beta']);

export type ClientHeaders = Record<string, string | string[] | undefined>;

/**
 * Builds the upstream request headers: the allow-listed client headers, the
 * provider's configured headers, and the provider's own credential. The
 * client's credential is never among them.
 */
export function buildUpstreamHeaders(provider: ResolvedProvider, upstreamFormat: WireFormat, clientFormat: WireFormat, clientHeaders: ClientHeaders): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const sameFamily = familyOf(upstreamFormat) === familyOf(clientFormat);
  for (const name in clientHeaders) {
    const value = clientHeaders[name];
    if (value === undefined) continue;
    const allowed =
      commonForwarded.has(name) ||
      name.startsWith('x-stainless-') ||
      name.startsWith('x-codex-') ||
      (sameFamily && (anthropicForwarded.has(name) || openaiForwarded.has(name))) ||
      (name === 'accept' && upstreamFormat === clientFormat);
    if (allowed) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  if (upstreamFormat === 'anthropic' && headers['anthropic-version'] === undefined) headers['anthropic-version'] = anthropicVersion;
  for (const name in provider.headers) headers[name.toLowerCase()] = provider.headers[name]!;
  if (provider.apiKeyEnv !== undefined) {
    if (provider.apiKey === undefined || provider.apiKey === '') {
      throw new GatewayError('SB_UPSTREAM_MISSING_CREDENTIAL', `provider "${provider.name}" needs the environment variable ${provider.apiKeyEnv}, which is not set on this gateway`);
    }
    if (upstreamFormat === 'anthropic') headers['x-api-key'] = provider.apiKey;
    else headers.authorization = `Bearer ${provider.apiKey}`;
  }
  return headers;
}

function familyOf(format: WireFormat): 'anthropic' | 'openai' {
  return format === 'anthropic' ? 'anthropic' : 'openai';
}

/** Upstream response headers worth relaying to the client (request ids and rate-limit state). */
export function isRelayedResponseHeader(name: string): boolean {
  return (
    name === 'request-id' ||
    name === 'x-request-id' ||
    name === 'retry-after' ||
    name.startsWith('anthropic-ratelimit-') ||
    name.startsWith('x-ratelimit-') ||
    name === 'openai-processing-ms'
  );
}

import type { WireFormat } from '../canonical/types.js';
import type { ResolvedProvider } from '../config/snapshot.js';
import { GatewayError } from '../errors/gateway-error.js';
import { connectionTokens, headerDestination, reachesProvider } from './header-policy.js';

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

export type ClientHeaders = Record<string, string | string[] | undefined>;

/**
 * Builds the upstream request headers: the client headers the provider's
 * format understands (see header-policy.ts), the provider's configured
 * headers, and the provider's own credential. The client's credential is
 * never among them.
 */
export function buildUpstreamHeaders(provider: ResolvedProvider, upstreamFormat: WireFormat, clientFormat: WireFormat, clientHeaders: ClientHeaders): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const hopByHop = connectionTokens(clientHeaders.connection);
  for (const name in clientHeaders) {
    const value = clientHeaders[name];
    if (value === undefined || hopByHop?.has(name) || !reachesProvider(headerDestination(name), upstreamFormat, clientFormat)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
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

import type { ServerResponse } from 'node:http';
import type { ConfigSnapshot } from '../config/snapshot.js';
import { GatewayError } from '../errors/gateway-error.js';
import { getCodec } from '../formats/index.js';
import type { RouteDecision } from '../routing/resolve-route.js';
import { callUpstream } from '../upstream/call-upstream.js';
import type { DispatcherPool } from '../upstream/dispatcher-pool.js';
import { UpstreamAttempt } from '../upstream/upstream-attempt.js';
import { readUpstreamBody } from '../upstream/read-upstream-body.js';
import { buildUpstreamHeaders, endpointPaths, type ClientHeaders } from '../upstream/upstream-request.js';
import { estimateInputTokens } from './estimate-input-tokens.js';
import { relayedHeaders } from './response-headers.js';
import { readUpstreamHttpError } from './upstream-errors.js';

export interface CountTokensAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * Anthropic's `count_tokens` (Claude Code calls it to size its context):
 * forwarded to the first target when it is an Anthropic provider, otherwise
 * estimated locally and marked `x-switchboard-token-count: estimate`.
 */
export async function countTokens(snapshot: ConfigSnapshot, route: RouteDecision, body: Record<string, unknown>, clientHeaders: ClientHeaders, pool: DispatcherPool, raw: ServerResponse): Promise<CountTokensAnswer> {
  const target = route.targets[0]!;
  const provider = snapshot.providers.get(target.provider)!;
  if (provider.format === 'anthropic') {
    const abort = new AbortController();
    // The client went away before its answer: stop paying for the upstream call.
    const onClose = (): void => {
      if (!raw.writableFinished) abort.abort();
    };
    raw.once('close', onClose);
    const attempt = new UpstreamAttempt(provider, abort.signal, performance.now() + provider.timeouts.firstByteMs);
    try {
      const response = await callUpstream({
        connection: pool.get(provider),
        path: endpointPaths.anthropic.countTokens! + provider.baseQuery,
        headers: buildUpstreamHeaders(provider, 'anthropic', 'anthropic', clientHeaders),
        body: JSON.stringify({ ...body, model: target.model }),
        attempt,
      });
      attempt.firstByteArrived();
      if (response.statusCode >= 400) throw await readUpstreamHttpError(response, provider, getCodec('anthropic'));
      const text = provider.redactSecrets(await readUpstreamBody(response, provider, snapshot.server.upstreamBodyLimitBytes));
      let answer: unknown;
      try {
        answer = JSON.parse(text);
      } catch (error) {
        throw new GatewayError('SB_UPSTREAM_BAD_RESPONSE', `provider "${provider.name}" sent a token count that is not JSON`, { cause: error });
      }
      return { status: 200, headers: { ...relayedHeaders(response.headers, 'anthropic'), 'x-switchboard-token-count': 'upstream' }, body: answer };
    } finally {
      attempt.finish();
      raw.off('close', onClose);
    }
  }
  const canonical = getCodec('anthropic').decodeRequest({ max_tokens: 1, ...body }).value;
  if (!Array.isArray(body.messages)) throw new GatewayError('SB_REQUEST_INVALID', 'messages: an array is required');
  return { status: 200, headers: { 'x-switchboard-token-count': 'estimate' }, body: { input_tokens: await estimateInputTokens(canonical) } };
}

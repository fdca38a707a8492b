import { setTimeout as sleep } from 'node:timers/promises';
import type { ResolvedProvider, Target } from '../config/snapshot.js';
import { GatewayError, toGatewayError } from '../errors/gateway-error.js';
import { formatTarget } from '../routing/resolve-route.js';
import { carriesForeignReasoning } from '../formats/shared/reasoning-signature.js';
import type { DispatcherPool } from '../upstream/dispatcher-pool.js';
import type { ProviderHealth } from '../upstream/provider-health.js';
import { UpstreamAttempt } from '../upstream/upstream-attempt.js';
import type { ClientResponse } from './client-response.js';
import { gatewayCut } from './gateway-cut.js';
import { emptyOutcome, type ModelRequest, type RequestOutcome } from './model-request.js';
import { relayPassthrough } from './relay-passthrough.js';
import { relayMock, relayTranslated } from './relay-translated.js';
import { sendClientError } from './send-client-error.js';

export interface PipelineDeps {
  pool: DispatcherPool;
  health: ProviderHealth;
}

/** Longest `retry-after` the gateway waits out itself; beyond it the next target is tried, or the client told. */
const maxRetryAfterWaitMs = 10_000;

/**
 * One model request end to end, after authentication and routing: try the
 * route's targets in order, relay the answer, and report what happened.
 * Never throws: every failure is answered in the client's format (or, once a
 * stream started, ended with the format's error event).
 */
export async function handleModelRequest(request: ModelRequest, client: ClientResponse, deps: PipelineDeps): Promise<RequestOutcome> {
  const outcome = emptyOutcome();
  try {
    await tryTargets(request, client, deps, outcome);
  } catch (thrown) {
    // The gateway cut the request (the drain deadline): its reason is the answer, not what the abort broke.
    const cut = gatewayCut(request.abort.signal);
    const error = cut ?? toGatewayError(thrown);
    if (!cut && (request.abort.signal.aborted || client.closed)) {
      outcome.clientAborted = true;
    } else if (!client.started) {
      sendClientError(client, request.inbound.format, error);
      outcome.status = error.status;
    }
    outcome.error = { type: error.type, code: error.code, message: error.message };
  }
  if (client.failure) {
    // The gateway cut the connection itself (a head it could not write, a client that stopped reading): say so, not "client aborted".
    outcome.error = { type: client.failure.type, code: client.failure.code, message: client.failure.message };
    if (!client.headSent) outcome.status = client.failure.status;
  } else if (outcome.clientAborted) {
    // 499 (nginx's "client closed request") whether or not the answer had started, so aborts stand out in traces.
    outcome.status = 499;
    const aborted = new GatewayError('SB_CLIENT_ABORTED', 'the client closed the connection before the answer was complete');
    outcome.error = { type: aborted.type, code: aborted.code, message: aborted.message };
  }
  return outcome;
}


async function tryTargets(request: ModelRequest, client: ClientResponse, deps: PipelineDeps, outcome: RequestOutcome): Promise<void> {
  const targets = request.route.targets;
  const deadline = chainDeadline(request);
  let lastError: GatewayError | undefined;

  for (let targetIndex = 0; targetIndex < targets.length; targetIndex++) {
    const target = targets[targetIndex]!;
    const provider = request.snapshot.providers.get(target.provider)!;
    const hasAlternative = targetIndex < targets.length - 1;
    if (hasAlternative && deps.health.isDown(provider.name)) {
      outcome.attempts.push({ target: formatTarget(target), status: null, error: 'skipped: provider marked down', duration_ms: 0 });
      continue;
    }
    // No fallback starts once the chain's first-byte budget is spent.
    if (lastError && performance.now() >= deadline) break;
    for (let retry = 0; ; retry++) {
      const attemptStart = performance.now();
      const attempt = new UpstreamAttempt(provider, request.abort.signal, Math.min(attemptStart + provider.timeouts.firstByteMs, deadline));
      try {
        await attemptTarget(request, target, attempt, client, outcome, deps);
        outcome.attempts.push({ target: formatTarget(target), status: outcome.status, error: null, duration_ms: Math.round(performance.now() - attemptStart) });
        deps.health.recordSuccess(provider.name);
        return;
      } catch (thrown) {
        const error = toGatewayError(thrown);
        outcome.attempts.push({ target: formatTarget(target), status: error.upstream?.status ?? null, error: `${error.code}: ${error.message}`, duration_ms: Math.round(performance.now() - attemptStart) });
        if (client.started || request.abort.signal.aborted || !error.retryable) throw error;
        lastError = error;
        // A full pool is this gateway's own congestion, not the provider failing: no breaker count, no retry on it.
        if (error.code === 'SB_UPSTREAM_POOL_FULL') break;
        deps.health.recordFailure(provider.name);
        if (retry >= provider.retry.maxRetries) break;
        const delay = backoffMs(provider, retry, error.retryAfterSeconds);
        if (delay === undefined || performance.now() + delay > deadline) break;
        await sleep(delay, undefined, { signal: request.abort.signal }).catch(() => undefined);
        if (request.abort.signal.aborted) throw error;
      } finally {
        attempt.finish();
      }
    }
  }
  throw lastError ?? new GatewayError('SB_UPSTREAM_UNAVAILABLE', 'every target of the route is marked down');
}

/**
 * The time by which the first byte must reach the client, retries and fallbacks included: the
 * longest `first_byte_ms` among the route's targets, counted from the request's arrival. So N targets
 * never take N times a timeout, and a target with a short timeout leaves the rest to its fallbacks.
 */
function chainDeadline(request: ModelRequest): number {
  let longest = 0;
  for (const target of request.route.targets) longest = Math.max(longest, request.snapshot.providers.get(target.provider)!.timeouts.firstByteMs);
  return request.startedAt + longest;
}

async function attemptTarget(request: ModelRequest, target: Target, attempt: UpstreamAttempt, client: ClientResponse, outcome: RequestOutcome, deps: PipelineDeps): Promise<void> {
  const provider = attempt.provider;
  outcome.provider = provider.name;
  outcome.upstreamModel = target.model;
  outcome.upstreamFormat = provider.format;
  client.setHeader('x-switchboard-route', `profile=${request.route.profile}; rule=${request.route.rule}; target=${formatTarget(target)}`);
  if (request.endpoint !== undefined) {
    if (provider.format !== request.inbound.format) throw unsupportedEndpoint(request, provider);
    return relayPassthrough(request, target, attempt, client, outcome, deps.pool);
  }
  if (provider.format === 'mock') return relayMock(request, target, provider, client, outcome);
  // Same format is the passthrough fast path, unless the history carries reasoning another family signed
  // (the route changed mid-conversation): then the codec drops what this provider would reject.
  if (provider.format === request.inbound.format && !carriesForeignReasoning(request.rawBody, provider.format)) return relayPassthrough(request, target, attempt, client, outcome, deps.pool);
  return relayTranslated(request, target, attempt, client, outcome, deps.pool);
}

/** An endpoint with no counterpart in the provider's format (there is no compaction call to translate to). */
function unsupportedEndpoint(request: ModelRequest, provider: ResolvedProvider): GatewayError {
  return new GatewayError(
    'SB_ROUTE_FORMAT_UNSUPPORTED',
    `${request.inbound.path} exists only on ${request.inbound.format} providers, and model "${request.clientModel}" is routed to provider "${provider.name}" (${provider.format}). Route this model to an ${request.inbound.format} provider, or let the client compact by itself (Codex does for a provider that is not OpenAI)`,
  );
}

/** Jittered exponential backoff; `retry-after` wins when the provider sent one (undefined: too long to wait here). */
function backoffMs(provider: ResolvedProvider, retry: number, retryAfterSeconds: number | undefined): number | undefined {
  if (retryAfterSeconds !== undefined) {
    const wait = retryAfterSeconds * 1000;
    return wait > maxRetryAfterWaitMs ? undefined : wait;
  }
  const base = provider.retry.backoffMs * 2 ** retry;
  return base / 2 + Math.random() * (base / 2);
}

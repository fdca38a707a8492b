import type { CanonicalResponse } from '../canonical/types.js';
import type { ResolvedTraces } from '../config/snapshot.js';
import { getCodec } from '../formats/index.js';
import { RawJson } from '../traces/raw-json.js';
import type { TraceRecord } from '../traces/trace-record.js';
import type { FinishedRequest } from './finished-request.js';

/** Real clients' user agents are far shorter; anyone can send a 15 KB one, and the line should not carry it. */
const maxUserAgentChars = 256;

/**
 * Turns a finished (and settled) request into its trace line. Runs after the
 * client got its answer, so the work here (writing a streamed answer as one
 * message) never adds latency.
 */
export function buildTraceRecord(finished: FinishedRequest, settings: Pick<ResolvedTraces, 'capture'>): TraceRecord {
  const { outcome } = finished;
  const assembled = outcome.assembled;
  const usage = outcome.usage;
  const userAgent = finished.headers['user-agent'];
  const record: TraceRecord = {
    ts: finished.startedAtIso,
    id: finished.id,
    duration_ms: round(finished.durationMs),
    ttft_ms: finished.ttftMs === null ? null : round(finished.ttftMs),
    upstream_ms: outcome.upstreamMs === null ? null : round(outcome.upstreamMs),
    key: finished.keyName,
    profile: finished.profile,
    rule: finished.route ? { index: finished.route.rule, match: finished.route.match } : null,
    config: finished.configVersion,
    session: finished.session,
    agent: finished.agent ?? null,
    parent_agent: finished.parentAgent ?? null,
    kind: finished.kind ?? 'turn',
    user_agent: typeof userAgent === 'string' ? userAgent.slice(0, maxUserAgentChars) : null,
    inbound: finished.inbound,
    model: finished.model,
    max_tokens: finished.maxTokens,
    provider: outcome.provider,
    upstream_model: outcome.upstreamModel,
    upstream_format: outcome.upstreamFormat,
    stream: finished.stream,
    // Every attempt, also a single one, for the listeners (OpenTelemetry makes a span of each); the file keeps only two or more.
    attempts: outcome.attempts,
    status: outcome.status,
    error: outcome.error,
    stop_reason: outcome.stopReason,
    usage: usage
      ? {
          input: usage.inputTokens,
          output: usage.outputTokens,
          cache_read: usage.cacheReadTokens ?? 0,
          cache_write: usage.cacheWriteTokens ?? 0,
          reasoning: usage.reasoningTokens ?? 0,
        }
      : null,
    cost: outcome.cost && { ...outcome.cost, ...(outcome.usageEstimated ? { estimated: true as const } : {}) },
    ...(outcome.budget ? { budget: outcome.budget } : {}),
    warnings: outcome.warnings,
  };
  if (settings.capture === 'full') {
    record.request = finished.rawBody === undefined ? null : new RawJson(finished.rawBody);
    record.response = responseBody(finished, assembled);
  }
  return record;
}

function responseBody(finished: FinishedRequest, assembled: CanonicalResponse | undefined): unknown {
  const { outcome } = finished;
  // A relayed answer is embedded as the provider sent it (settleOutcome parsed it, so it is JSON).
  if (typeof outcome.response === 'string') return outcome.assembled ? new RawJson(outcome.response) : outcome.response;
  if (!assembled || finished.model === null) return null;
  // A streamed answer, written as the one message the client would have got without streaming. A passthrough
  // request has no canonical form; its answer needs none but the client's tool kinds, which the upstream's own
  // events already carried into the assembled parts.
  const request = finished.canonical ?? { model: finished.model, stream: true, system: [], messages: [], tools: [] };
  try {
    return getCodec(finished.inbound.format).encodeResponse(assembled, { clientModel: finished.model, request });
  } catch {
    return null;
  }
}

function round(milliseconds: number): number {
  return Math.round(milliseconds * 10) / 10;
}

import type { CanonicalRequest, CanonicalResponse, Usage, WireFormat } from '../canonical/types.js';
import type { CompiledProfile, ConfigSnapshot, ResolvedKey } from '../config/snapshot.js';
import type { ProviderFormat } from '../config/types.js';
import type { RouteDecision } from '../routing/resolve-route.js';
import type { UsageCost } from '../spend/cost-of-usage.js';
import type { ClientHeaders } from '../upstream/upstream-request.js';

/** The API a client called and how it reached the gateway. */
export interface InboundApi {
  format: WireFormat;
  path: string;
  /** Set for a `response.create` frame on the Responses WebSocket; absent for an HTTP request. */
  transport?: 'websocket';
}

/** One authenticated, routed model request, as the pipeline sees it. */
export interface ModelRequest {
  id: string;
  /** performance.now() when the request arrived. */
  startedAt: number;
  /** Wall-clock arrival time, ISO 8601 UTC. */
  startedAtIso: string;
  /** The config the request started with; it keeps it until it ends, whatever reloads happen. */
  snapshot: ConfigSnapshot;
  key: ResolvedKey;
  profile: CompiledProfile;
  inbound: InboundApi;
  /**
   * `compact`: OpenAI's remote compaction (`POST /v1/responses/compact`, which Codex calls when
   * its provider is OpenAI itself). Only a provider of the client's own format has that endpoint:
   * it is forwarded there untouched, and refused for any other.
   */
  endpoint?: 'compact';
  headers: ClientHeaders;
  /** The body as received, for the passthrough fast path and the trace. */
  rawBody: string;
  /**
   * The parsed body while something still needs it. Passthrough drops it once the request is on
   * its way, so a long stream holds one copy of a 400 KiB history, not two; `bodyOf` re-parses.
   */
  body: Record<string, unknown> | undefined;
  clientModel: string;
  stream: boolean;
  /** The output token limit the client asked for (the trace's `max_tokens`); null without one. */
  maxTokens: number | null;
  route: RouteDecision;
  /** Aborted when the client goes away; every upstream call listens to it. */
  abort: AbortController;
  /** The canonical form, decoded once and only when a route needs translation or the mock. */
  canonical?: CanonicalRequest;
}

/** The parsed body, parsed again if it was dropped (a fallback to another format after a passthrough attempt). */
export function bodyOf(request: ModelRequest): Record<string, unknown> {
  request.body ??= JSON.parse(request.rawBody) as Record<string, unknown>;
  return request.body;
}

export interface AttemptRecord {
  target: string;
  status: number | null;
  error: string | null;
  duration_ms: number;
}

/** What happened, filled in as the request runs; it becomes the trace line. */
export interface RequestOutcome {
  provider: string | null;
  upstreamModel: string | null;
  upstreamFormat: ProviderFormat | null;
  /** Milliseconds from the (last) upstream call to its response headers. */
  upstreamMs: number | null;
  attempts: AttemptRecord[];
  status: number;
  error: { type: string; code: string; message: string } | null;
  stopReason: string | null;
  usage: Usage | null;
  /** True when the gateway estimated (part of) the usage: a stream that ended before the provider reported it. */
  usageEstimated: boolean;
  /** The cost of `usage` at the answering target's price; null without usage or without a price. */
  cost: UsageCost | null;
  /** Budget notes for the trace: warnings past `warn_at_percent`, and the fallback taken when a budget was used up. */
  budget: { warnings: string[]; fallback: string | null } | null;
  warnings: string[];
  /** The response body as sent, for non-streamed answers. */
  response: unknown;
  /** A streamed (or mock) answer assembled into one message; written into the trace in the client's format. */
  assembled: CanonicalResponse | undefined;
  /** True when the client went away before the answer was complete. */
  clientAborted: boolean;
}

export function emptyOutcome(): RequestOutcome {
  return {
    provider: null,
    upstreamModel: null,
    upstreamFormat: null,
    upstreamMs: null,
    attempts: [],
    status: 0,
    error: null,
    stopReason: null,
    usage: null,
    usageEstimated: false,
    cost: null,
    budget: null,
    warnings: [],
    response: undefined,
    assembled: undefined,
    clientAborted: false,
  };
}

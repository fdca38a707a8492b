/**
 * One line of a trace file: everything about one request through the
 * gateway, as one JSON object. This interface is the source of
 * `schema/trace.schema.json` (`npm run schema`); the TSDoc comments become
 * the schema's descriptions, so write them for someone reading traces with jq.
 *
 * The pipeline fills a plain object in any order and hands it to
 * `TraceWriter.write()`. The writer serializes the fields in the order below
 * (so lines diff and grep well), keeps only these fields, applies the capture
 * setting and `max_body_kb`, and adds `dropped`.
 */
export interface TraceRecord {
  /**
   * When the request arrived, ISO 8601 UTC with milliseconds, e.g. `2026-11-24T07:20:00.123Z`. Always the first field of a line.
   * @format date-time
   */
  ts: string;
  /** The request id, also returned to the client as `x-switchboard-request-id`. */
  id: string;
  /** Milliseconds from arrival until the last byte went to the client (or the client went away). */
  duration_ms: number;
  /** Milliseconds from arrival until the first token (first content byte) went to the client; null if none did. */
  ttft_ms: number | null;
  /** Milliseconds from sending the (last) upstream request until its response headers; null if no upstream call was made. */
  upstream_ms: number | null;
  /** Name of the API key from `gateway.yaml` (never the secret); null if the request was not authenticated. */
  key: string | null;
  /** The profile that routed the request; null if it was refused before routing. */
  profile: string | null;
  /** The routing rule that matched; null if the request was refused before routing. */
  rule: TraceRule | null;
  /** Version of the config snapshot that served the request (content hash, plus `@<commit>` in a git checkout). */
  config: string;
  /** The client's session: Claude Code's session id or Codex's conversation id; null if the client sent none. */
  session: string | null;
  /**
   * The agent within the session that sent the request: Claude Code's subagent id (`x-claude-code-agent-id`), Codex's agent path
   * (`/root`, `/root/worker_1`, from `x-codex-turn-metadata`); null for Claude Code's main agent and clients that name none.
   * Client-supplied: printable ASCII only (others become `?`), at most 200 characters.
   */
  agent: string | null;
  /**
   * The agent that started this one: Claude Code's `x-claude-code-parent-agent-id` (nested subagents), Codex's parent agent path
   * (`/root` for `/root/worker_1`), or Codex's parent thread id when the agent has no path; null for top-level agents.
   */
  parent_agent: string | null;
  /**
   * What the request is for: `turn` (the agent at work, the default), `compaction` (summarising the conversation to free context:
   * Codex's `request_kind`, Claude Code's compact prompt or request class), `prewarm` and `memory` (Codex), `auxiliary`
   * (Claude Code side requests, when it sends its request class).
   */
  kind: TraceRequestKind;
  /** The client's `user-agent` header; null if absent. */
  user_agent: string | null;
  /** The API the client called. */
  inbound: TraceInbound;
  /** The model the client asked for; null if the body had none (or was not JSON). */
  model: string | null;
  /** The output token limit the client asked for (`max_tokens`, `max_completion_tokens` or `max_output_tokens`), before any provider cap; null if it named none. */
  max_tokens?: number | null;
  /** The provider that answered (or the last one tried); null if no upstream call was made. */
  provider: string | null;
  /** The model name sent upstream; null if no upstream call was made. */
  upstream_model: string | null;
  /** The provider's wire format; null if no upstream call was made. */
  upstream_format: 'anthropic' | 'openai-chat' | 'openai-responses' | 'mock' | null;
  /** Whether the client asked for a streamed response. */
  stream: boolean;
  /** Every upstream attempt in order (retries and fallbacks). Present only when more than one attempt was made. */
  attempts?: TraceAttempt[];
  /** HTTP status returned to the client; 499 when the client went away first. */
  status: number;
  /** Why the request failed; null on success. */
  error: TraceError | null;
  /** The upstream's own stop reason (`end_turn`, `tool_calls`, `max_tokens`...); null if the answer did not finish. */
  stop_reason: string | null;
  /** Token counts reported by the provider; null if it reported none. */
  usage: TraceUsage | null;
  /** What the request cost in US dollars, from `usage` and the price of the target that answered (`pricing` in gateway.yaml, else the built-in table); null without usage or without a price. Absent from lines written before cost tracking. */
  cost?: TraceCost | null;
  /** Present only when a budget of the key or profile is past its warning share, or used up and the request went to `budget_fallback`. */
  budget?: TraceBudget;
  /** Notes from translating between wire formats: what was dropped or changed. Empty for passthrough. */
  warnings: string[];
  /**
   * The request body as received (parsed JSON). Absent with `capture: metadata`.
   * Bodies larger than `max_body_kb` are replaced by a `TruncatedBody`.
   */
  request?: unknown;
  /**
   * The response body in the client's wire format; a streamed answer is assembled into one message.
   * Absent with `capture: metadata` and when no answer was produced. Bodies larger than `max_body_kb` are replaced by a `TruncatedBody`.
   */
  response?: unknown;
  /** Present only when lines before this one lost their bodies or were dropped because the disk was slower than traffic: counts since the previous line written. */
  dropped?: TraceDropped;
}

/** What a request is for (see `kind`). */
export type TraceRequestKind = 'turn' | 'compaction' | 'prewarm' | 'memory' | 'auxiliary';

/** The routing rule that matched. */
export interface TraceRule {
  /** Position of the rule in the profile's `rules`, from 0; `default` for the profile's default. */
  index: number | 'default';
  /** The rule's match as written: the exact model, the regex source, or `default`. */
  match: string;
}

/** The API the client called. */
export interface TraceInbound {
  /** The client's wire format. */
  format: 'anthropic' | 'openai-chat' | 'openai-responses';
  /** The request path, e.g. `/v1/messages`. */
  path: string;
  /** `websocket` when the request came as a `response.create` frame on the Responses WebSocket (an upgraded `GET /v1/responses`); absent for HTTP. */
  transport?: 'websocket';
}

/** One upstream attempt. */
export interface TraceAttempt {
  /** `provider/model`. */
  target: string;
  /** Upstream HTTP status; null if no response arrived. */
  status: number | null;
  /** Why the attempt failed (error code and message); null if it succeeded. */
  error: string | null;
  /** Milliseconds the attempt took. */
  duration_ms: number;
}

/** Why a request failed. */
export interface TraceError {
  /** Error type in Anthropic's vocabulary, e.g. `overloaded_error`. */
  type: string;
  /** Gateway error code, e.g. `SB_UPSTREAM_TIMEOUT` (see docs/errors.md). */
  code: string;
  message: string;
}

/**
 * Token counts as the provider reported them. `input` counts every prompt token, cached or not (OpenAI's
 * convention; for Anthropic it is input + cache read + cache write); `cache_read` and `cache_write` are parts
 * of it. `output` includes `reasoning`. A count the provider did not report is 0 (or null).
 */
export interface TraceUsage {
  /** Every prompt token, cached or not. */
  input: number;
  /** Every generated token, reasoning included. */
  output: number;
  /** Prompt tokens read from the provider's cache. */
  cache_read: number | null;
  /** Prompt tokens written to the provider's cache. */
  cache_write: number | null;
  /** Output tokens spent on reasoning. */
  reasoning: number | null;
}

/** The cost of one request in US dollars, by kind of token; `usd` is the sum. */
export interface TraceCost {
  usd: number;
  /** Prompt tokens neither read from nor written to the cache. */
  input: number;
  /** Generated tokens, reasoning included. */
  output: number;
  cache_read: number;
  /** 5-minute and 1-hour cache writes. */
  cache_write: number;
  /** Present (true) when the gateway estimated the usage: a stream that ended before the provider reported its final counts is charged for the text it produced, at about 4 characters a token. */
  estimated?: true;
}

/** Budget notes of one request. */
export interface TraceBudget {
  /** One line per budget past its warning share, e.g. `key ci-agent usd_per_day: 83% used ($41.50 of $50.00), resets 2026-01-06T00:00:00+01:00`. */
  warnings: string[];
  /** The budget that was used up when the request went to `budget_fallback` (`key ci-agent usd_per_day`); null otherwise. */
  fallback: string | null;
}

/** What replaces a body larger than `max_body_kb` (and, with empty `text`, a body dropped because the trace queue was full). */
export interface TruncatedBody {
  truncated: true;
  /** Size of the whole body as JSON text, in bytes. */
  original_bytes: number;
  /** The first `max_body_kb` KiB of the body's JSON text (cut at a character boundary); empty when the body was dropped under pressure. */
  text: string;
}

/** Lines lost before this one, since the previous line written. */
export interface TraceDropped {
  /** Whole lines dropped. */
  lines: number;
  /** Lines written without their bodies. */
  bodies: number;
}

/** The fields of a line in the order they are written. `request`, `response` and `dropped` come last, in that order. */
export const traceMetadataFields = [
  'ts',
  'id',
  'duration_ms',
  'ttft_ms',
  'upstream_ms',
  'key',
  'profile',
  'rule',
  'config',
  'session',
  'agent',
  'parent_agent',
  'kind',
  'user_agent',
  'inbound',
  'model',
  'max_tokens',
  'provider',
  'upstream_model',
  'upstream_format',
  'stream',
  'attempts',
  'status',
  'error',
  'stop_reason',
  'usage',
  'cost',
  'budget',
  'warnings',
] as const satisfies ReadonlyArray<keyof TraceRecord>;

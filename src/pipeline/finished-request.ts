import type { CanonicalRequest } from '../canonical/types.js';
import type { RouteDecision } from '../routing/resolve-route.js';
import type { RequestKind } from '../traces/client-identity.js';
import type { InboundApi, RequestOutcome } from './model-request.js';

/** A request that ended, with what the trace line and the metrics need. Refused requests have no route or outcome details. */
export interface FinishedRequest {
  id: string;
  startedAtIso: string;
  durationMs: number;
  /** Milliseconds to the first byte sent to the client. */
  ttftMs: number | null;
  configVersion: string;
  keyName: string | null;
  profile: string | null;
  route: RouteDecision | null;
  inbound: InboundApi;
  headers: Record<string, string | string[] | undefined>;
  model: string | null;
  stream: boolean;
  /** The output token limit the client asked for; null if none (or the body was not read). */
  maxTokens: number | null;
  /** The coding agent's session id (Claude Code's metadata or header, Codex's header). */
  session: string | null;
  /** The (sub)agent that sent it and its parent, as the client named them (see identifyClient); absent when unnamed. */
  agent?: string;
  parentAgent?: string;
  /** What the request is for; `turn` when absent. */
  kind?: RequestKind;
  /** The body as received, when it parsed as JSON; the trace embeds it as is. */
  rawBody: string | undefined;
  /** The request in canonical form, when a translation made one (the trace writes a streamed answer with it). */
  canonical: CanonicalRequest | undefined;
  outcome: RequestOutcome;
}

import type { ConfigSnapshot } from '../config/snapshot.js';
import type { TraceRecord } from '../traces/trace-record.js';
import { providerOf, routeOutcome, type RefusalReason } from './route-outcome.js';

/** Recorded errors that mean the old config refused the request itself (not a client or upstream failure). */
const refusedByConfig = new Set(['SB_ROUTE_NO_MATCH', 'SB_AUTH_KEY_DISABLED', 'SB_AUTH_PROFILE_FORBIDDEN']);

/** `refused` stands for "no target" on either side of a move. */
const refused = 'refused';

export interface TokenVolume {
  input: number;
  output: number;
}

/** Requests that went to `from` and would now go to `to` (first targets, `provider/model`, or `refused`). */
export interface ReplayMove {
  from: string;
  to: string;
  requests: number;
  tokens: TokenVolume;
}

export interface ReplayRefusal {
  key: string;
  profile: string;
  model: string;
  reason: RefusalReason;
  requests: number;
}

/** What the working-tree config would have done with recorded traffic. */
export interface ReplayReport {
  /** Trace lines read in the time range. */
  requests: number;
  /** Requests re-routed and compared. */
  replayed: number;
  /** Requests that could not be compared, by why. */
  skipped: { unauthenticated: number; not_routed: number; no_model: number };
  unchanged: number;
  /** Served before, served by another first target now. */
  moved: number;
  /** Served (or tried) before, refused now. */
  now_refused: number;
  /** Refused before, served now. */
  now_routed: number;
  /** Every (from, to) pair that changed, most requests first. */
  moves: ReplayMove[];
  /** Requests the new config refuses that the old one served, by key, profile and model. */
  refusals: ReplayRefusal[];
  /** Tokens of the moved requests whose provider changes, by (from provider, to provider). */
  provider_tokens: ReplayMove[];
}

/** Folds trace records into a replay report against `snapshot`. */
export class TraceReplayer {
  readonly #snapshot: ConfigSnapshot;
  readonly #report: ReplayReport = { requests: 0, replayed: 0, skipped: { unauthenticated: 0, not_routed: 0, no_model: 0 }, unchanged: 0, moved: 0, now_refused: 0, now_routed: 0, moves: [], refusals: [], provider_tokens: [] };
  readonly #moves = new Map<string, ReplayMove>();
  readonly #providerTokens = new Map<string, ReplayMove>();
  readonly #refusals = new Map<string, ReplayRefusal>();

  constructor(snapshot: ConfigSnapshot) {
    this.#snapshot = snapshot;
  }

  add(record: TraceRecord): void {
    const report = this.#report;
    report.requests++;
    if (!record.key) return void report.skipped.unauthenticated++;
    if (!record.model) return void report.skipped.no_model++;
    const before = recordedTarget(record);
    if (before === undefined) return void report.skipped.not_routed++;
    report.replayed++;

    const profile = replayProfile(this.#snapshot, record.key, record.profile);
    const outcome = routeOutcome(this.#snapshot, record.key, profile, record.model);
    const after = outcome.kind === 'routed' ? outcome.targets[0]! : refused;
    if (after === before) return void report.unchanged++;

    const tokens = { input: record.usage?.input ?? 0, output: record.usage?.output ?? 0 };
    if (before === refused) report.now_routed++;
    else if (after === refused) report.now_refused++;
    else report.moved++;
    addTo(this.#moves, before, after, tokens);
    if (before !== refused && providerOf(before) !== (after === refused ? refused : providerOf(after))) {
      addTo(this.#providerTokens, providerOf(before), after === refused ? refused : providerOf(after), tokens);
    }
    if (outcome.kind === 'refused' && before !== refused) {
      const profileName = profile ?? this.#snapshot.keysByName.get(record.key)?.profile ?? record.profile ?? '?';
      const id = JSON.stringify([record.key, profileName, record.model, outcome.reason]);
      const entry = this.#refusals.get(id) ?? { key: record.key, profile: profileName, model: record.model, reason: outcome.reason, requests: 0 };
      entry.requests++;
      this.#refusals.set(id, entry);
    }
  }

  result(): ReplayReport {
    const byRequests = (a: { requests: number }, b: { requests: number }): number => b.requests - a.requests;
    return {
      ...this.#report,
      moves: [...this.#moves.values()].sort(byRequests),
      refusals: [...this.#refusals.values()].sort(byRequests),
      provider_tokens: [...this.#providerTokens.values()].sort((a, b) => b.tokens.input + b.tokens.output - (a.tokens.input + a.tokens.output)),
    };
  }
}

/**
 * The trace does not say whether the client sent `x-switchboard-profile`.
 * A recorded profile the key may still pick per request (other than its
 * own) is taken as picked; otherwise the request uses the key's profile
 * in the new config, so a key moved to another profile moves its traffic.
 */
export function replayProfile(snapshot: ConfigSnapshot, keyName: string, recorded: string | null): string | undefined {
  const key = snapshot.keysByName.get(keyName);
  if (!key || recorded === null || recorded === key.profile) return undefined;
  return key.allowedProfiles.includes(recorded) ? recorded : undefined;
}

/** The first target `snapshot` routes a recorded request to, `refused`, or undefined for a line without key or model. */
export function replayedTarget(snapshot: ConfigSnapshot, record: TraceRecord): string | undefined {
  if (!record.key || !record.model) return undefined;
  const outcome = routeOutcome(snapshot, record.key, replayProfile(snapshot, record.key, record.profile), record.model);
  return outcome.kind === 'routed' ? outcome.targets[0]! : refused;
}

/**
 * The first target the old config chose (`provider/model`), `refused` when
 * the old config itself refused the request, undefined when the request never
 * reached routing (bad request, rate limit, draining...). The first attempt
 * is the rule's first target even when a fallback answered.
 */
export function recordedTarget(record: TraceRecord): string | undefined {
  // Lines from older writers may lack fields; a missing field reads like null.
  if (!record.rule) return refusedByConfig.has(record.error?.code ?? '') ? refused : undefined;
  const first = record.attempts?.[0]?.target;
  if (first !== undefined) return first;
  return record.provider && record.upstream_model ? `${record.provider}/${record.upstream_model}` : undefined;
}

function addTo(moves: Map<string, ReplayMove>, from: string, to: string, tokens: TokenVolume): void {
  const id = `${from}\n${to}`;
  const move = moves.get(id) ?? { from, to, requests: 0, tokens: { input: 0, output: 0 } };
  move.requests++;
  move.tokens.input += tokens.input;
  move.tokens.output += tokens.output;
  moves.set(id, move);
}

/** True when some replayed request would be served differently. */
export function replayChanged(report: ReplayReport): boolean {
  return report.moved + report.now_refused + report.now_routed > 0;
}

import type { IndexedLine } from '../traces/index-segment.js';
import type { IndexQuery, RowView, TraceIndex } from '../traces/trace-index.js';
import { parseStatusFilter, parseTimeArgument } from '../traces/trace-query.js';
import type { ChartSeries } from './views/charts.js';

/** The filters of the console's forms, as typed (the same words as `switchboard traces search`). */
export const filterFields = ['key', 'profile', 'model', 'provider', 'status', 'session', 'agent', 'since', 'until'] as const;
export type ConsoleFilters = Partial<Record<(typeof filterFields)[number], string>>;

/** The filters of a query string; empty fields are left out. */
export function filtersOf(query: Record<string, unknown>): ConsoleFilters {
  const filters: ConsoleFilters = {};
  for (const field of filterFields) {
    const value = query[field];
    if (typeof value === 'string' && value.trim() !== '') filters[field] = value.trim();
  }
  return filters;
}

/** The index query of the filters, with a readable problem for each value that is not understood (that filter is then left out). */
export function indexQueryOf(filters: ConsoleFilters, now = new Date()): { query: IndexQuery; problems: string[] } {
  const query: IndexQuery = {};
  const problems: string[] = [];
  for (const field of ['key', 'profile', 'model', 'provider', 'session', 'agent'] as const) {
    const value = filters[field];
    if (value !== undefined) query[field] = value;
  }
  const attempt = (action: () => void): void => {
    try {
      action();
    } catch (error) {
      problems.push((error as Error).message);
    }
  };
  if (filters.status !== undefined) attempt(() => (query.status = parseStatusFilter(filters.status!)));
  if (filters.since !== undefined) attempt(() => (query.since = parseTimeArgument(filters.since!, now).getTime()));
  if (filters.until !== undefined) attempt(() => (query.until = parseTimeArgument(filters.until!, now).getTime()));
  return { query, problems };
}

/** One page of matching requests, newest first. */
export function searchRequests(index: TraceIndex, query: IndexQuery, page: number, pageSize: number): { rows: IndexedLine[]; more: boolean } {
  const rows: IndexedLine[] = [];
  let skip = page * pageSize;
  let more = false;
  index.scan(query, (row) => {
    if (skip > 0) {
      skip--;
      return true;
    }
    if (rows.length === pageSize) {
      more = true;
      return false;
    }
    rows.push(row.line());
    return true;
  });
  return { rows, more };
}

/** One conversation as the sessions list shows it. */
export interface SessionSummary {
  session: string;
  key: string | null;
  first: number;
  last: number;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  /** Null when no request of the session had a cost. */
  costUsd: number | null;
  /** Requested models, most used first. */
  models: string[];
  /** Distinct agents besides the main one (subagents, Codex workers). */
  subagents: number;
}

interface SessionTally extends Omit<SessionSummary, 'costUsd' | 'models' | 'subagents'> {
  cost: number;
  costed: boolean;
  models: Map<number, number>;
  agents: Set<number>;
}

/** Conversations with requests matching the query, most recently active first. */
export function sessionSummaries(index: TraceIndex, query: IndexQuery, limit: number): { sessions: SessionSummary[]; total: number } {
  const tallies = new Map<number, SessionTally>();
  index.scan(query, (row) => {
    const sessionId = row.textId('session');
    if (sessionId === 0) return;
    let tally = tallies.get(sessionId);
    if (!tally) {
      tally = { session: row.text('session')!, key: row.text('key'), first: row.tsMs, last: row.tsMs, requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, cost: 0, costed: false, models: new Map(), agents: new Set() };
      tallies.set(sessionId, tally);
    }
    tally.first = Math.min(tally.first, row.tsMs);
    tally.last = Math.max(tally.last, row.tsMs);
    tally.requests++;
    if (row.failed) tally.errors++;
    tally.inputTokens += row.inputTokens;
    tally.outputTokens += row.outputTokens;
    if (!Number.isNaN(row.costUsd)) {
      tally.cost += row.costUsd;
      tally.costed = true;
    }
    const model = row.textId('model');
    tally.models.set(model, (tally.models.get(model) ?? 0) + 1);
    const agent = row.textId('agent');
    if (agent !== 0 && row.textId('parent_agent') !== 0) tally.agents.add(agent);
  });
  const sorted = [...tallies.values()].sort((a, b) => b.last - a.last);
  return {
    total: sorted.length,
    sessions: sorted.slice(0, limit).map((tally) => ({
      session: tally.session,
      key: tally.key,
      first: tally.first,
      last: tally.last,
      requests: tally.requests,
      errors: tally.errors,
      inputTokens: tally.inputTokens,
      outputTokens: tally.outputTokens,
      costUsd: tally.costed ? tally.cost : null,
      models: [...tally.models].sort((a, b) => b[1] - a[1]).map(([id]) => index.strings.text(id) ?? '?'),
      subagents: tally.agents.size,
    })),
  };
}

/** Every request of one conversation, in the order they started. */
export function sessionRequests(index: TraceIndex, session: string): IndexedLine[] {
  const rows: IndexedLine[] = [];
  index.scan({ session }, (row) => {
    rows.push(row.line());
  });
  return rows.sort((a, b) => a.tsMs - b.tsMs);
}

/** A request and the agent work nested under it in a session's timeline. */
export interface TimelineEntry {
  request: IndexedLine;
  /** Requests of agents this agent started, grouped per agent, placed after the request they followed. */
  children: Array<{ agent: string; entries: TimelineEntry[] }>;
}

/**
 * A session's requests as a tree: the main agent's requests in order, and
 * each subagent's requests nested under its parent agent, after the parent's
 * last request before the subagent began (the one that started it). An
 * agent whose parent sent nothing in this session hangs under the main
 * agent. Without agent fields (older lines, clients that name none) the
 * timeline is flat.
 */
export function sessionTimeline(requests: IndexedLine[]): TimelineEntry[] {
  const byAgent = new Map<string | null, IndexedLine[]>();
  for (const request of [...requests].sort((a, b) => a.tsMs - b.tsMs)) {
    const list = byAgent.get(request.text.agent) ?? [];
    list.push(request);
    byAgent.set(request.text.agent, list);
  }
  const root = byAgent.has(null) ? null : ([...byAgent].find(([, list]) => list[0]!.text.parent_agent === null)?.[0] ?? byAgent.keys().next().value ?? null);
  const parentOf = (agent: string | null): string | null | undefined => {
    if (agent === root) return undefined;
    const parent = byAgent.get(agent)![0]!.text.parent_agent;
    return parent !== agent && byAgent.has(parent) ? parent : root;
  };
  const placed = new Set<string | null>();
  /** Hangs an agent's requests under the last of `entries` that started before it. */
  const attach = (entries: TimelineEntry[], child: string | null): void => {
    const childEntries = build(child);
    const started = childEntries[0]!.request.tsMs;
    const host = [...entries].reverse().find((entry) => entry.request.tsMs <= started) ?? entries[0]!;
    host.children.push({ agent: child ?? '(main)', entries: childEntries });
  };
  const build = (agent: string | null): TimelineEntry[] => {
    placed.add(agent);
    const entries = byAgent.get(agent)!.map((request): TimelineEntry => ({ request, children: [] }));
    for (const child of byAgent.keys()) if (!placed.has(child) && parentOf(child) === agent) attach(entries, child);
    return entries;
  };
  if (byAgent.size === 0) return [];
  const timeline = build(root);
  // Agents that name each other as parents (a loop) are reached from nowhere: they hang under the main agent.
  for (const agent of byAgent.keys()) if (!placed.has(agent)) attach(timeline, agent);
  return timeline;
}

/** What the charts of the requests page draw. */
export interface RequestCharts {
  start: number;
  end: number;
  requests: ChartSeries[];
  tokens: ChartSeries[];
  latency: Array<{ label: string; value: number }>;
}

const chartBuckets = 48;
const shownProviders = 6;
const latencyBounds: Array<[number, string]> = [
  [100, '<100ms'],
  [250, '<250ms'],
  [500, '<500ms'],
  [1000, '<1s'],
  [2500, '<2.5s'],
  [5000, '<5s'],
  [10_000, '<10s'],
  [30_000, '<30s'],
  [60_000, '<1m'],
  [Infinity, '≥1m'],
];

/** Requests and tokens over time per provider, and the latency distribution, of the matching requests. */
export function requestCharts(index: TraceIndex, query: IndexQuery): RequestCharts | undefined {
  let start = query.since ?? Infinity;
  let end = query.until ?? -Infinity;
  const perProvider = new Map<number, number>();
  if (query.since === undefined || query.until === undefined) {
    index.scan(query, (row) => {
      if (query.since === undefined) start = Math.min(start, row.tsMs);
      if (query.until === undefined) end = Math.max(end, row.tsMs);
    });
  }
  if (!Number.isFinite(start) || !Number.isFinite(end)) return undefined;
  if (end <= start) end = start + 60_000;
  const span = (end - start) / chartBuckets;
  const bucketOf = (row: RowView): number => Math.min(chartBuckets - 1, Math.max(0, Math.floor((row.tsMs - start) / span)));
  const requests = new Map<number, number[]>();
  const tokens = new Map<number, number[]>();
  const latency = new Array<number>(latencyBounds.length).fill(0);
  const seriesOf = (map: Map<number, number[]>, provider: number): number[] => {
    let values = map.get(provider);
    if (!values) {
      values = new Array<number>(chartBuckets).fill(0);
      map.set(provider, values);
    }
    return values;
  };
  index.scan(query, (row) => {
    const provider = row.textId('provider');
    const bucket = bucketOf(row);
    perProvider.set(provider, (perProvider.get(provider) ?? 0) + 1);
    seriesOf(requests, provider)[bucket]!++;
    seriesOf(tokens, provider)[bucket]! += row.inputTokens + row.outputTokens;
    latency[latencyBounds.findIndex(([bound]) => row.durationMs < bound)]!++;
  });
  const order = [...perProvider].sort((a, b) => b[1] - a[1]).map(([provider]) => provider);
  const named = (map: Map<number, number[]>): ChartSeries[] => {
    const series = order.slice(0, shownProviders).map((provider) => ({ name: index.strings.text(provider) ?? '(no provider)', values: map.get(provider)! }));
    const rest = order.slice(shownProviders);
    if (rest.length > 0) series.push({ name: `${rest.length} more`, values: new Array<number>(chartBuckets).fill(0).map((_, bucket) => rest.reduce((sum, provider) => sum + map.get(provider)![bucket]!, 0)) });
    return series;
  };
  return { start, end, requests: named(requests), tokens: named(tokens), latency: latencyBounds.map(([, label], bucket) => ({ label, value: latency[bucket]! })) };
}

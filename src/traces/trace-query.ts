import type { TraceRecord } from './trace-record.js';

/** What `switchboard traces search` filters on; every given field must match. */
export interface TraceFilters {
  key?: string;
  /** Matches the requested model or the upstream model. */
  model?: string;
  provider?: string;
  profile?: string;
  session?: string;
  /** The agent that sent the request (`--agent`), or, with `--parent-agent`, the agent that started it. */
  agent?: string;
  parentAgent?: string;
  kind?: string;
  /** Any of these matches (see `parseStatusFilter`). */
  status?: StatusMatcher[];
}

export type StatusMatcher = (record: TraceRecord) => boolean;

const relativePattern = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)$/;
const unitMs: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * A time given on the command line: ISO 8601 (`2026-11-24`, `2026-11-24T07:20Z`),
 * relative to now (`90s`, `15m`, `1h`, `2d`, `1w` ago), `today` or
 * `yesterday` (UTC midnight, like the trace files), or `now`.
 */
export function parseTimeArgument(text: string, now: Date = new Date()): Date {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'now') return now;
  if (trimmed === 'today' || trimmed === 'yesterday') {
    const midnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    return trimmed === 'today' ? midnight : new Date(midnight.getTime() - unitMs.d!);
  }
  const relative = relativePattern.exec(trimmed);
  if (relative) return new Date(now.getTime() - Number(relative[1]) * unitMs[relative[2]!]!);
  const time = Date.parse(text.trim());
  if (Number.isNaN(time)) throw new Error(`"${text}" is not a time: use ISO 8601 (2026-11-24T07:20:00Z), a duration ago (30m, 1h, 2d) or today`);
  return new Date(time);
}

/**
 * `--status`: a comma-separated list of exact statuses (`200`, `499`),
 * classes (`4xx`, `5xx`), `error` (any status from 400 or a recorded error)
 * or `ok`.
 */
export function parseStatusFilter(text: string): StatusMatcher[] {
  return text.split(',').map((part) => {
    const value = part.trim().toLowerCase();
    if (value === 'error') return isFailed;
    if (value === 'ok') return (record) => !isFailed(record);
    if (/^[1-5]xx$/.test(value)) {
      const hundreds = Number(value[0]) * 100;
      return (record) => record.status >= hundreds && record.status < hundreds + 100;
    }
    if (/^\d{3}$/.test(value)) {
      const status = Number(value);
      return (record) => record.status === status;
    }
    throw new Error(`"${part}" is not a status filter: use e.g. 200, 4xx, 5xx, error or ok`);
  });
}

export function matchesFilters(record: TraceRecord, filters: TraceFilters): boolean {
  if (filters.key !== undefined && record.key !== filters.key) return false;
  if (filters.model !== undefined && record.model !== filters.model && record.upstream_model !== filters.model) return false;
  if (filters.provider !== undefined && record.provider !== filters.provider) return false;
  if (filters.profile !== undefined && record.profile !== filters.profile) return false;
  if (filters.session !== undefined && record.session !== filters.session) return false;
  if (filters.agent !== undefined && record.agent !== filters.agent) return false;
  if (filters.parentAgent !== undefined && record.parent_agent !== filters.parentAgent) return false;
  // A line written before `kind` existed was a turn as far as anyone can tell.
  if (filters.kind !== undefined && (record.kind ?? 'turn') !== filters.kind) return false;
  if (filters.status !== undefined && !filters.status.some((matches) => matches(record))) return false;
  return true;
}

/** Whether a record counts as failed in statistics: the same as `--status error`. */
export function isFailed(record: TraceRecord): boolean {
  return record.status >= 400 || record.error !== null;
}

import type { Usage } from '../canonical/types.js';
import type { ConfigSnapshot } from '../config/snapshot.js';
import { costOfUsage, toNanoUsd } from '../spend/cost-of-usage.js';
import type { TraceRecord, TraceUsage } from '../traces/trace-record.js';

/** One side of a comparison: the first target a config sends a recorded request to (`refused`, or undefined: not comparable). */
export interface CostSide {
  prices: ConfigSnapshot['prices'];
  targetOf(record: TraceRecord): string | undefined;
}

/** The recorded traffic of one key and profile priced on both sides, in US dollars. */
export interface CostRow {
  key: string;
  profile: string;
  requests: number;
  before: number;
  after: number;
  /** Requests whose target has no price on that side (counted as free there). */
  unpriced: { before: number; after: number };
}

export interface CostReport {
  /** First and last `ts` of the priced lines; null without any. */
  span: { first: string; last: string; days: number } | null;
  /** Keys whose cost changes first, largest change per day first, then the rest. */
  rows: CostRow[];
  total: { requests: number; before: number; after: number };
}

/** A span shorter than this is taken as this long, so an hour of traffic is not scaled up as if it were a few seconds. */
const minimumSpanDays = 1 / 24;

/**
 * Prices recorded traffic under two configs: each trace line's usage (as the
 * provider reported it) at the price of the first target each side routes it
 * to. It assumes the other model would have used the same tokens, which is
 * the best the traces can tell; refused requests cost nothing.
 */
export class CostComparer {
  readonly #before: CostSide;
  readonly #after: CostSide;
  readonly #rows = new Map<string, { key: string; profile: string; requests: number; before: number; after: number; unpriced: { before: number; after: number } }>();
  #first = Infinity;
  #last = -Infinity;

  constructor(before: CostSide, after: CostSide) {
    this.#before = before;
    this.#after = after;
  }

  add(record: TraceRecord): void {
    if (!record.key || !record.usage) return;
    const before = this.#before.targetOf(record);
    const after = this.#after.targetOf(record);
    if (before === undefined || after === undefined) return;
    const time = Date.parse(record.ts);
    if (Number.isFinite(time)) {
      this.#first = Math.min(this.#first, time);
      this.#last = Math.max(this.#last, time);
    }
    const id = `${record.key}\u0000${record.profile ?? ''}`;
    let row = this.#rows.get(id);
    if (!row) this.#rows.set(id, (row = { key: record.key, profile: record.profile ?? '', requests: 0, before: 0, after: 0, unpriced: { before: 0, after: 0 } }));
    row.requests++;
    const usage = usageOf(record.usage);
    const price = (side: CostSide, target: string, which: 'before' | 'after'): number => {
      if (target === 'refused') return 0;
      const entry = side.prices.lookup(target);
      if (!entry) {
        row!.unpriced[which]++;
        return 0;
      }
      return toNanoUsd(costOfUsage(usage, entry.prices).usd);
    };
    row.before += price(this.#before, before, 'before');
    row.after += price(this.#after, after, 'after');
  }

  result(): CostReport {
    const rows: CostRow[] = [...this.#rows.values()].map((row) => ({ ...row, before: row.before / 1e9, after: row.after / 1e9 }));
    rows.sort((a, b) => Math.abs(b.after - b.before) - Math.abs(a.after - a.before) || b.after - a.after || (a.key < b.key ? -1 : 1));
    const span =
      this.#first === Infinity ? null : { first: new Date(this.#first).toISOString(), last: new Date(this.#last).toISOString(), days: Math.max(minimumSpanDays, (this.#last - this.#first) / 86_400_000) };
    const dollars = (pick: (row: CostRow) => number): number => Math.round(rows.reduce((total, row) => total + pick(row) * 1e9, 0)) / 1e9;
    return { span, rows, total: { requests: rows.reduce((total, row) => total + row.requests, 0), before: dollars((row) => row.before), after: dollars((row) => row.after) } };
  }
}

/** US dollars per day of the report's span. */
export function perDay(report: CostReport, usd: number): number {
  return report.span ? usd / report.span.days : 0;
}

/** True when some key's cost differs between the sides. */
export function costChanged(report: CostReport): boolean {
  return report.rows.some((row) => row.before !== row.after);
}

/** A trace line's usage in canonical form (1-hour cache writes are not in the trace: priced as 5-minute writes). */
function usageOf(usage: TraceUsage): Usage {
  return {
    inputTokens: usage.input ?? 0,
    outputTokens: usage.output ?? 0,
    cacheReadTokens: usage.cache_read ?? 0,
    cacheWriteTokens: usage.cache_write ?? 0,
    reasoningTokens: usage.reasoning ?? 0,
  };
}

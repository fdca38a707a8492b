import { toNanoUsd } from '../spend/cost-of-usage.js';
import { isFailed } from './trace-query.js';
import type { TraceRecord } from './trace-record.js';

export type StatsGrouping = 'key' | 'profile' | 'model' | 'provider' | 'session' | 'agent' | 'kind';
export const statsGroupings: readonly StatsGrouping[] = ['key', 'profile', 'model', 'provider', 'session', 'agent', 'kind'];

/** Figures for one group of requests (or all of them). */
export interface TraceStats {
  /** The group's key, model... value; `(all)` without grouping, `(none)` when the field is null. */
  group: string;
  requests: number;
  errors: number;
  /** errors / requests, from 0 to 1. */
  errorRate: number;
  latencyMs: Percentiles | null;
  ttftMs: Omit<Percentiles, 'p99'> | null;
  tokens: { input: number; output: number; cacheRead: number; cacheWrite: number; reasoning: number };
  /** US dollars from the lines' `cost`; `unpriced` counts lines with usage but no cost (no price, or written before cost tracking). */
  cost: { usd: number; estimated: number; unpriced: number };
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

/** Accumulates records one at a time (a week of traces need not fit in memory as records, only as numbers). */
export class TraceStatsCollector {
  readonly #by: StatsGrouping | undefined;
  readonly #groups = new Map<string, { requests: number; errors: number; durations: number[]; ttfts: number[]; tokens: TraceStats['tokens']; nanoUsd: number; estimated: number; unpriced: number }>();

  constructor(by?: StatsGrouping) {
    this.#by = by;
  }

  add(record: TraceRecord): void {
    const name = this.#by === undefined ? '(all)' : (record[this.#by] ?? (this.#by === 'kind' ? 'turn' : '(none)'));
    let group = this.#groups.get(name);
    if (!group) {
      group = { requests: 0, errors: 0, durations: [], ttfts: [], tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 }, nanoUsd: 0, estimated: 0, unpriced: 0 };
      this.#groups.set(name, group);
    }
    group.requests++;
    if (isFailed(record)) group.errors++;
    if (typeof record.duration_ms === 'number') group.durations.push(record.duration_ms);
    if (typeof record.ttft_ms === 'number') group.ttfts.push(record.ttft_ms);
    const usage = record.usage;
    if (usage) {
      group.tokens.input += usage.input ?? 0;
      group.tokens.output += usage.output ?? 0;
      group.tokens.cacheRead += usage.cache_read ?? 0;
      group.tokens.cacheWrite += usage.cache_write ?? 0;
      group.tokens.reasoning += usage.reasoning ?? 0;
      if (!record.cost) group.unpriced++;
    }
    if (record.cost) {
      // Summed in nano-dollars, the unit costs are rounded to, so a week of lines adds up without float noise.
      group.nanoUsd += toNanoUsd(record.cost.usd);
      if (record.cost.estimated) group.estimated++;
    }
  }

  /** Groups by request count, largest first. */
  result(): TraceStats[] {
    return [...this.#groups.entries()]
      .map(([group, figures]) => {
        const latency = percentiles(figures.durations);
        const ttft = percentiles(figures.ttfts);
        return {
          group,
          requests: figures.requests,
          errors: figures.errors,
          errorRate: figures.requests === 0 ? 0 : figures.errors / figures.requests,
          latencyMs: latency,
          ttftMs: ttft && { p50: ttft.p50, p95: ttft.p95 },
          tokens: figures.tokens,
          cost: { usd: figures.nanoUsd / 1e9, estimated: figures.estimated, unpriced: figures.unpriced },
        };
      })
      .sort((a, b) => b.requests - a.requests || (a.group < b.group ? -1 : 1));
  }
}

/** Nearest-rank percentiles. */
export function percentiles(values: number[]): Percentiles | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const rank = (p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  return { p50: rank(50), p95: rank(95), p99: rank(99) };
}

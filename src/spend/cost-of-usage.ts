import type { Usage } from '../canonical/types.js';
import type { TokenPrices } from './price-table.js';

/** What one request cost, in US dollars, by kind of token. `usd` is the sum. */
export interface UsageCost {
  usd: number;
  input: number;
  /** Output tokens, reasoning included. */
  output: number;
  cache_read: number;
  /** 5-minute and 1-hour cache writes together. */
  cache_write: number;
}

/**
 * The cost of a usage at the given prices. Canonical usage counts every
 * prompt token in `inputTokens` (cache reads and writes are parts of it) and
 * reasoning inside `outputTokens`, so each part is priced once: uncached
 * input, cache reads, 5-minute writes, 1-hour writes, reasoning, other output.
 * Amounts are rounded to nano-dollars, the unit budgets count in.
 */
export function costOfUsage(usage: Usage, prices: TokenPrices): UsageCost {
  const cacheRead = usage.cacheReadTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  const cacheWrite1h = Math.min(usage.cacheWrite1hTokens ?? 0, cacheWrite);
  const reasoning = Math.min(usage.reasoningTokens ?? 0, usage.outputTokens);
  const uncached = Math.max(0, usage.inputTokens - cacheRead - cacheWrite);
  const input = nano(uncached * prices.input);
  const output = nano((usage.outputTokens - reasoning) * prices.output + reasoning * prices.reasoning);
  const cacheReadCost = nano(cacheRead * prices.cacheRead);
  const cacheWriteCost = nano((cacheWrite - cacheWrite1h) * prices.cacheWrite5m + cacheWrite1h * prices.cacheWrite1h);
  return { usd: nano(input + output + cacheReadCost + cacheWriteCost), input, output, cache_read: cacheReadCost, cache_write: cacheWriteCost };
}

/** US dollars as a whole number of nano-dollars: the unit spend counters hold, exact in integers. */
export function toNanoUsd(usd: number): number {
  return Math.round(usd * 1e9);
}

function nano(usd: number): number {
  return Math.round(usd * 1e9) / 1e9;
}

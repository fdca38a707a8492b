// @ts-check
/** Small statistics helpers for latency samples. */

/**
 * Nearest-rank percentile of unsorted samples.
 * @param {number[]} samples
 * @param {number} p 0..100
 */
export function percentile(samples, p) {
  if (samples.length === 0) return NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? NaN;
}

/** @param {number[]} samples */
export function summarize(samples) {
  return { count: samples.length, p50: percentile(samples, 50), p90: percentile(samples, 90), p99: percentile(samples, 99), max: samples.length ? Math.max(...samples) : NaN };
}

/** Milliseconds between two process.hrtime.bigint() readings. */
export function msBetween(/** @type {bigint} */ start, /** @type {bigint} */ end) {
  return Number(end - start) / 1e6;
}

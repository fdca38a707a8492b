import { formatDuration } from '../../traces/render-trace.js';

export { formatDuration };

/** Made once: `toLocaleString` builds a formatter on every call. */
const countFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** `1,234` */
export function formatCount(value: number): string {
  return countFormat.format(Math.round(value));
}

/** `$0.0123`, `$12.40` */
export function formatCost(usd: number | null): string {
  if (usd === null || Number.isNaN(usd)) return '–';
  return usd >= 1 ? `$${usd.toFixed(2)}` : `$${usd.toFixed(4)}`;
}

/** A duration or `–`; approximate values (live percentiles) get a `≈`. */
export function formatMs(value: number | null, approximate = false): string {
  if (value === null || Number.isNaN(value)) return '–';
  return `${approximate ? '≈' : ''}${formatDuration(value)}`;
}

/** `2026-11-24 07:20:01` (UTC), as the trace files are named. */
export function formatTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('T', ' ').slice(0, 19);
}

/** `07:20:01.123` for timelines within one session. */
export function formatClock(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(11, 23);
}

/** The first 8 characters of an id, as `switchboard traces` prints it. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

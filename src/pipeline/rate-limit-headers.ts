import type { WireFormat } from '../canonical/types.js';

/**
 * OpenAI and Anthropic report the same rate-limit state under different
 * names and reset formats: OpenAI `x-ratelimit-reset-requests: 6m0s` (a Go
 * duration until the reset), Anthropic `anthropic-ratelimit-requests-reset:
 * 2026-11-24T07:26:00Z` (an RFC 3339 time). A translated answer gets the
 * client's own names beside the provider's, so an SDK or agent that watches
 * its limits keeps working across formats. Anthropic's `tokens` headers are
 * the most restrictive of its input and output limits, the nearest match for
 * OpenAI's single token limit.
 */
const pairs: Array<{ openai: string; anthropic: string; reset: boolean }> = [
  { openai: 'x-ratelimit-limit-requests', anthropic: 'anthropic-ratelimit-requests-limit', reset: false },
  { openai: 'x-ratelimit-remaining-requests', anthropic: 'anthropic-ratelimit-requests-remaining', reset: false },
  { openai: 'x-ratelimit-reset-requests', anthropic: 'anthropic-ratelimit-requests-reset', reset: true },
  { openai: 'x-ratelimit-limit-tokens', anthropic: 'anthropic-ratelimit-tokens-limit', reset: false },
  { openai: 'x-ratelimit-remaining-tokens', anthropic: 'anthropic-ratelimit-tokens-remaining', reset: false },
  { openai: 'x-ratelimit-reset-tokens', anthropic: 'anthropic-ratelimit-tokens-reset', reset: true },
];

/**
 * Adds to `headers` (relayed upstream response headers) the client format's
 * equivalents of the other family's rate-limit and request-id headers, where
 * the client's own are missing. `now` (epoch ms) anchors reset conversions.
 */
export function addClientEquivalents(headers: Record<string, string>, clientFormat: WireFormat, now: number): Record<string, string> {
  const toAnthropic = clientFormat === 'anthropic';
  for (const pair of pairs) {
    const [from, to] = toAnthropic ? [pair.openai, pair.anthropic] : [pair.anthropic, pair.openai];
    const value = headers[from];
    if (value === undefined || headers[to] !== undefined) continue;
    const converted = !pair.reset ? value : toAnthropic ? durationToResetTime(value, now) : resetTimeToDuration(value, now);
    if (converted !== undefined) headers[to] = converted;
  }
  const [idFrom, idTo] = toAnthropic ? ['x-request-id', 'request-id'] : ['request-id', 'x-request-id'];
  if (headers[idFrom] !== undefined && headers[idTo] === undefined) headers[idTo] = headers[idFrom];
  return headers;
}

const durationPart = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/y;
const unitMs: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };

/** A Go duration as OpenAI writes it (`6m0s`, `1.5s`, `20ms`; a bare number is seconds) in milliseconds; undefined if it is not one. */
export function parseGoDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  if (trimmed === '') return undefined;
  let total = 0;
  durationPart.lastIndex = 0;
  while (durationPart.lastIndex < trimmed.length) {
    const match = durationPart.exec(trimmed);
    if (match === null) return undefined;
    total += Number(match[1]) * unitMs[match[2]!]!;
  }
  return total;
}

/** Milliseconds as a Go duration, the way OpenAI writes them: `0s`, `20ms`, `1.5s`, `6m0s`, `1h2m3s`. */
export function formatGoDuration(milliseconds: number): string {
  const ms = Math.max(0, Math.round(milliseconds));
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = `${Number(((ms % 60_000) / 1000).toFixed(3))}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}

/** OpenAI's reset duration as Anthropic's reset time: RFC 3339 UTC, rounded up to the second as Anthropic writes it. */
export function durationToResetTime(duration: string, now: number): string | undefined {
  const ms = parseGoDuration(duration);
  if (ms === undefined) return undefined;
  return new Date(Math.ceil((now + ms) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Anthropic's reset time as OpenAI's reset duration from `now`; a time already past is `0s`. */
export function resetTimeToDuration(time: string, now: number): string | undefined {
  const at = Date.parse(time);
  if (Number.isNaN(at)) return undefined;
  return formatGoDuration(at - now);
}

import { describe, expect, it } from 'vitest';
import { compilePrices } from '../../src/config/compile-snapshot.js';
import { calendarWindow, formatLocalTime } from '../../src/spend/budget-window.js';
import { costOfUsage } from '../../src/spend/cost-of-usage.js';

const providers = { mock: { format: 'mock' as const }, anthropic: { format: 'anthropic' as const, base_url: 'https://api.anthropic.com' } };

describe('price table', () => {
  it('prices config entries first, then mock providers as free, then the built-in table', () => {
    const table = compilePrices(
      {
        models: [
          { target: 'anthropic/claude-sonnet-4-5', input: 2, output: 10 },
          { target: 'openrouter/*', input: 1, output: 1 },
          { target_regex: '^local/llama-\\d+$', input: 0, output: 0 },
        ],
      },
      providers,
    );
    expect(table.lookup('anthropic/claude-sonnet-4-5')).toMatchObject({ source: 'config', index: 0 });
    expect(table.lookup('anthropic/claude-sonnet-4-5-20250929')).toMatchObject({ source: 'built-in', prices: { input: 3e-6, output: 15e-6 } });
    expect(table.lookup('openrouter/anthropic/claude-opus-4.1')).toMatchObject({ source: 'config', index: 1 });
    expect(table.lookup('local/llama-3')).toMatchObject({ source: 'config', index: 2 });
    expect(table.lookup('local/llama-x')).toBeUndefined();
    expect(table.lookup('mock/anything')).toMatchObject({ source: 'mock', prices: { input: 0 } });
    // Model names are priced whatever the provider entry is called; more specific names win.
    expect(table.lookup('azure/gpt-5-mini')?.prices.input).toBeCloseTo(0.25e-6, 12);
    expect(table.lookup('azure/gpt-5')?.prices.input).toBeCloseTo(1.25e-6, 12);
    expect(table.lookup('deepseek/deepseek-reasoner')?.prices.cacheRead).toBeCloseTo(0.028e-6, 12);
  });

  it('converts another currency with usd_per_unit', () => {
    const table = compilePrices({ currency: 'EUR', usd_per_unit: 1.1, models: [{ target: 'x/y', input: 10, output: 20 }] }, providers);
    expect(table.lookup('x/y')!.prices.input).toBeCloseTo(11e-6, 12);
  });
});

describe('cost of a usage', () => {
  const sonnet = compilePrices(undefined, providers).lookup('anthropic/claude-sonnet-4-5')!.prices;

  it('prices uncached input, cache reads, 5-minute and 1-hour writes, and output once each', () => {
    // 10,000 prompt tokens: 6,000 read from cache, 3,000 written (1,000 of them for an hour), 1,000 uncached.
    const cost = costOfUsage({ inputTokens: 10_000, cacheReadTokens: 6000, cacheWriteTokens: 3000, cacheWrite1hTokens: 1000, outputTokens: 500 }, sonnet);
    expect(cost).toEqual({ input: 0.003, cache_read: 0.0018, cache_write: 0.0075 + 0.006, output: 0.0075, usd: 0.0258 });
  });

  it('prices reasoning apart only when the entry says so', () => {
    const table = compilePrices({ models: [{ target: 'r/m', input: 1, output: 2, reasoning: 4 }] }, providers);
    expect(costOfUsage({ inputTokens: 0, outputTokens: 1_000_000, reasoningTokens: 250_000 }, table.lookup('r/m')!.prices).output).toBe(2.5);
    const plain = compilePrices({ models: [{ target: 'r/m', input: 1, output: 2 }] }, providers);
    expect(costOfUsage({ inputTokens: 0, outputTokens: 1_000_000, reasoningTokens: 250_000 }, plain.lookup('r/m')!.prices).output).toBe(2);
  });
});

describe('calendar windows', () => {
  it('ends a day at local midnight, also on a 23-hour daylight saving day', () => {
    // 2026-03-29 in Berlin: clocks go from 02:00 to 03:00.
    const noon = Date.parse('2026-03-29T10:00:00Z');
    const day = calendarWindow('day', noon, 'Europe/Berlin');
    expect(day.id).toBe('2026-03-29');
    expect(new Date(day.start).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(new Date(day.end).toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(formatLocalTime(day.end, 'Europe/Berlin')).toBe('2026-03-30T00:00:00+02:00');
  });

  it('puts an instant in the local day and month of the zone, not of UTC', () => {
    const lateUtc = Date.parse('2026-01-31T23:30:00Z');
    expect(calendarWindow('day', lateUtc, 'UTC').id).toBe('2026-01-31');
    expect(calendarWindow('day', lateUtc, 'Asia/Tokyo').id).toBe('2026-02-01');
    const month = calendarWindow('month', lateUtc, 'Asia/Tokyo');
    expect(month.id).toBe('2026-02');
    expect(formatLocalTime(month.end, 'Asia/Tokyo')).toBe('2026-03-01T00:00:00+09:00');
    expect(formatLocalTime(calendarWindow('day', lateUtc, 'UTC').end, 'UTC')).toBe('2026-02-01T00:00:00Z');
  });
});

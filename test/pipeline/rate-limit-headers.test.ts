import { describe, expect, it } from 'vitest';
import { addClientEquivalents, durationToResetTime, formatGoDuration, parseGoDuration, resetTimeToDuration } from '../../src/pipeline/rate-limit-headers.js';

const now = Date.UTC(2026, 10, 24, 7, 20, 0, 250);

describe('OpenAI reset durations', () => {
  it('reads the Go durations OpenAI sends', () => {
    expect(parseGoDuration('6m0s')).toBe(360_000);
    expect(parseGoDuration('1s')).toBe(1000);
    expect(parseGoDuration('20ms')).toBe(20);
    expect(parseGoDuration('1.5s')).toBe(1500);
    expect(parseGoDuration('1h2m3.5s')).toBe(3_723_500);
    expect(parseGoDuration('0s')).toBe(0);
    // Some OpenAI-compatible servers send bare seconds.
    expect(parseGoDuration('60')).toBe(60_000);
  });

  it('refuses what is not a duration', () => {
    for (const text of ['', 'soon', '6 minutes', '6m0', '2026-11-24T07:26:00Z', 'm0s']) expect(parseGoDuration(text)).toBeUndefined();
  });

  it('writes durations the way Go (and so OpenAI) prints them', () => {
    expect(formatGoDuration(360_000)).toBe('6m0s');
    expect(formatGoDuration(3_600_000)).toBe('1h0m0s');
    expect(formatGoDuration(3_723_500)).toBe('1h2m3.5s');
    expect(formatGoDuration(1500)).toBe('1.5s');
    expect(formatGoDuration(20)).toBe('20ms');
    expect(formatGoDuration(0)).toBe('0s');
    expect(formatGoDuration(-5000)).toBe('0s');
    for (const ms of [1, 999, 1000, 59_999, 60_000, 61_001, 7_200_000]) expect(parseGoDuration(formatGoDuration(ms))).toBe(ms);
  });
});

describe('reset conversions', () => {
  it('turns a duration into the RFC 3339 time Anthropic writes, rounded up to the second', () => {
    expect(durationToResetTime('6m0s', now)).toBe('2026-11-24T07:26:01Z');
    expect(durationToResetTime('750ms', now)).toBe('2026-11-24T07:20:01Z');
    expect(durationToResetTime('never', now)).toBeUndefined();
  });

  it('turns an Anthropic reset time into the duration left', () => {
    expect(resetTimeToDuration('2026-11-24T07:26:00Z', now)).toBe('5m59.75s');
    expect(resetTimeToDuration('2026-11-24T07:20:00Z', now)).toBe('0s');
    expect(resetTimeToDuration('tomorrow', now)).toBeUndefined();
  });
});

describe('addClientEquivalents', () => {
  it('gives an Anthropic client Anthropic names for OpenAI limits, and request-id', () => {
    const headers = addClientEquivalents({ 'x-request-id': 'req_1', 'x-ratelimit-remaining-requests': '9', 'x-ratelimit-reset-tokens': '1s', 'retry-after': '3' }, 'anthropic', now);
    expect(headers).toEqual({
      'x-request-id': 'req_1',
      'request-id': 'req_1',
      'x-ratelimit-remaining-requests': '9',
      'anthropic-ratelimit-requests-remaining': '9',
      'x-ratelimit-reset-tokens': '1s',
      'anthropic-ratelimit-tokens-reset': '2026-11-24T07:20:02Z',
      'retry-after': '3',
    });
  });

  it('gives an OpenAI client OpenAI names for Anthropic limits, and x-request-id', () => {
    const headers = addClientEquivalents({ 'request-id': 'req_a', 'anthropic-ratelimit-tokens-limit': '100', 'anthropic-ratelimit-requests-reset': '2026-11-24T07:21:00Z', 'anthropic-ratelimit-input-tokens-limit': '80' }, 'openai-responses', now);
    expect(headers).toEqual({
      'request-id': 'req_a',
      'x-request-id': 'req_a',
      'anthropic-ratelimit-tokens-limit': '100',
      'x-ratelimit-limit-tokens': '100',
      'anthropic-ratelimit-requests-reset': '2026-11-24T07:21:00Z',
      'x-ratelimit-reset-requests': '59.75s',
      // Input-only limits have no OpenAI name: relayed as they are.
      'anthropic-ratelimit-input-tokens-limit': '80',
    });
  });

  it('never overwrites the client format\'s own headers, and skips values it cannot convert', () => {
    expect(addClientEquivalents({ 'x-ratelimit-remaining-requests': '5', 'anthropic-ratelimit-requests-remaining': '7', 'x-ratelimit-reset-requests': 'soon' }, 'anthropic', now)).toEqual({
      'x-ratelimit-remaining-requests': '5',
      'anthropic-ratelimit-requests-remaining': '7',
      'x-ratelimit-reset-requests': 'soon',
    });
  });
});

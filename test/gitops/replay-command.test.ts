import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotatedTraceFileName } from '../../src/traces/trace-files.js';
import type { TraceRecord } from '../../src/traces/trace-record.js';
import { baseConfig, makeTempDir, writeConfig } from '../helpers/test-config.js';
import { commitAll, git, runCli } from './gitops-test-kit.js';

/** A trace line with the fields replay reads; the rest as the writer fills them. */
function traceLine(id: string, ts: string, fields: Partial<TraceRecord>): string {
  const record: TraceRecord = {
    ts, id, duration_ms: 100, ttft_ms: 50, upstream_ms: 40, key: 'alice', profile: 'main', rule: { index: 0, match: 'x' }, config: 'aaaaaaaaaaaa',
    session: null, agent: null, parent_agent: null, kind: 'turn', user_agent: null, inbound: { format: 'anthropic', path: '/v1/messages' }, model: 'claude-sonnet-4-5', provider: 'mock',
    upstream_model: 'sonnet', upstream_format: 'mock', stream: true, status: 200, error: null, stop_reason: 'end_turn',
    usage: { input: 100, output: 10, cache_read: null, cache_write: null, reasoning: null }, warnings: [], ...fields,
  };
  return `${JSON.stringify(record)}\n`;
}

const noRoute = { rule: null, provider: null, upstream_model: null, upstream_format: null, usage: null, status: 404, error: { type: 'not_found_error', code: 'SB_ROUTE_NO_MATCH', message: 'no rule' } } as const;

describe('switchboard replay', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let traces: string;

  beforeAll(async () => {
    temp = await makeTempDir('switchboard-replay-');
    // The working tree of a pull request: sonnet moves to DeepSeek, gpt-5 loses its rule, haiku gains one.
    const config = baseConfig(
      { deepseek: { format: 'openai-chat', base_url: 'https://api.deepseek.com' } },
      {
        rules: [
          { model: 'claude-sonnet-4-5', to: 'deepseek/deepseek-reasoner' },
          { model_regex: '^claude-opus-(.+)$', to: ['mock/opus-$1', 'deepseek/deepseek-chat'] },
          { model: 'claude-haiku-4-5', to: 'mock/haiku' },
        ],
      },
    );
    await writeConfig(temp.dir, config);
    git(temp.dir, 'init', '-q');
    commitAll(temp.dir, 'config');

    traces = path.join(temp.dir, 'recorded-traces');
    await mkdir(traces);
    const rotated =
      traceLine('r1', '2026-11-20T10:00:00.000Z', { usage: { input: 200, output: 20, cache_read: null, cache_write: null, reasoning: null } }) +
      traceLine('r0-old', '2026-11-01T10:00:00.000Z', { model: 'claude-haiku-4-5', ...noRoute });
    await writeFile(path.join(traces, `${rotatedTraceFileName('2026-11-01T10:00:00.000Z', '2026-11-20T10:00:00.000Z', 0)}.gz`), gzipSync(rotated));
    await writeFile(
      path.join(traces, 'traces.jsonl'),
      [
        traceLine('r2', '2026-11-21T10:00:00.000Z', {}),
        traceLine('r3', '2026-11-21T10:01:00.000Z', { model: 'gpt-5', upstream_model: 'gpt', usage: { input: 1000, output: 100, cache_read: null, cache_write: null, reasoning: null } }),
        traceLine('r4', '2026-11-21T10:02:00.000Z', { model: 'claude-haiku-4-5', ...noRoute }),
        // A fallback answered: the first attempt's target is what the old rule chose.
        traceLine('r5', '2026-11-21T10:03:00.000Z', { model: 'claude-opus-4-1', provider: 'deepseek', upstream_model: 'deepseek-chat', attempts: [{ target: 'mock/opus-4-1', status: 503, error: 'SB_UPSTREAM_STATUS', duration_ms: 5 }, { target: 'deepseek/deepseek-chat', status: 200, error: null, duration_ms: 50 }] }),
        traceLine('r6', '2026-11-21T10:04:00.000Z', { key: null, profile: null, rule: null, status: 401 }),
        traceLine('r7', '2026-11-21T10:05:00.000Z', { key: 'bob', profile: 'alt', model: 'anything', upstream_model: 'alt-echo' }),
        traceLine('r8', '2026-11-21T10:06:00.000Z', { profile: 'alt', model: 'whatever', upstream_model: 'alt-echo' }),
        '{"ts":"2026-11-21T10:07:00.000Z","id":"torn',
      ].join(''),
    );
  });
  afterAll(() => temp.remove());

  it('counts moved, refused and newly served requests, per target pair, with the tokens moved between providers', () => {
    const result = runCli(['replay', '--config-dir', temp.dir, '--traces', traces], temp.dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('switchboard replay: skipped 1 incomplete or corrupt trace line\n');
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^Replayed 8 of 9 recorded requests through config [0-9a-f]{12}@[0-9a-f]+:$/);
    expect(lines[1]).toBe('3 unchanged, 2 moved to another target, 1 now refused, 2 now served that were refused (not replayed: 1 unauthenticated, 0 never routed, 0 without a model)');
    expect(result.stdout).toContain('Would route differently (first target before -> after):\n  mock/sonnet -> deepseek/deepseek-reasoner: 2 requests, 300 input + 30 output tokens\n');
    expect(result.stdout).toContain('  refused -> mock/haiku: 2 requests, 0 input + 0 output tokens\n');
    expect(result.stdout).toContain('  mock/gpt -> refused: 1 request, 1,000 input + 100 output tokens\n');
    expect(result.stdout).toContain('Would now be refused:\n  key alice, gpt-5 (profile main): no rule matches, 1 request\n');
    expect(result.stdout).toContain('Token volume moved between providers:\n  mock -> refused: 1,000 input + 100 output tokens (1 request)\n  mock -> deepseek: 300 input + 30 output tokens (2 requests)\n');
  });

  it('replays only the requested time range, and reports JSON', () => {
    const result = runCli(['replay', '--config-dir', temp.dir, '--traces', traces, '--since', '2026-11-21T00:00:00Z', '--format', 'json'], temp.dir);
    expect(result.status).toBe(2);
    const report = JSON.parse(result.stdout) as { since: string; requests: number; moved: number; now_routed: number; provider_tokens: Array<{ from: string; to: string; tokens: { input: number } }> };
    expect(report.since).toBe('2026-11-21T00:00:00.000Z');
    expect(report.requests).toBe(7);
    expect(report.moved).toBe(1);
    expect(report.now_routed).toBe(1);
    expect(report.provider_tokens).toContainEqual({ from: 'mock', to: 'deepseek', requests: 1, tokens: { input: 100, output: 10 } });
  });

  it('exits 0 when recorded traffic routes as before', () => {
    const result = runCli(['replay', '--config-dir', temp.dir, '--traces', traces, '--since', '2026-11-21T10:03:00Z', '--format', 'markdown'], temp.dir);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('### Switchboard replay');
    expect(result.stdout).toContain('3 unchanged, 0 moved to another target, 0 now refused');
  });

  it('exits 1 for a missing trace folder', () => {
    const result = runCli(['replay', '--config-dir', temp.dir, '--traces', path.join(temp.dir, 'nope')], temp.dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('no trace folder at');
  });
});

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceWriter } from '../../src/traces/trace-writer.js';
import { baseConfig, makeTempDir, writeConfig, type TestConfig } from '../helpers/test-config.js';
import { makeRecord, traceSettings } from '../traces/trace-fixtures.js';
import { commitAll, git, runCli } from './gitops-test-kit.js';

const providers = {
  deepseek: { format: 'openai-chat', base_url: 'http://127.0.0.1:9/deepseek' },
  anthropic: { format: 'anthropic', base_url: 'http://127.0.0.1:9/anthropic' },
  openai: { format: 'openai-responses', base_url: 'http://127.0.0.1:9/openai' },
};

function config(sonnetTarget: string): TestConfig {
  const written = baseConfig(providers, { rules: [{ model: 'claude-sonnet-4-5', to: sonnetTarget }, { model: 'gpt-5', to: 'openai/gpt-5' }] });
  // bob (profile alt) is the CI agent of the example; give him the main profile here.
  (written.gateway.keys as Record<string, Record<string, unknown>>).bob!.profile = 'main';
  return written;
}

/**
 * Recorded traffic over exactly two days: bob sends 20 Sonnet requests of 100k input and 10k output
 * tokens (DeepSeek today: $0.0322 each; Anthropic's Sonnet: $0.45 each), alice 4 unchanged gpt-5 ones.
 */
async function writeTraces(dir: string): Promise<void> {
  const writer = new TraceWriter(traceSettings(dir));
  const first = Date.now() - 3 * 86_400_000;
  const usage = { input: 100_000, output: 10_000, cache_read: 0, cache_write: 0, reasoning: 0 };
  for (let index = 0; index < 20; index++) {
    const ts = new Date(first + (index * 2 * 86_400_000) / 19).toISOString();
    writer.write(makeRecord({ ts, key: 'bob', profile: 'main', model: 'claude-sonnet-4-5', provider: 'deepseek', upstream_model: 'deepseek-chat', upstream_format: 'openai-chat', usage }));
  }
  for (let index = 0; index < 4; index++) {
    writer.write(makeRecord({ ts: new Date(first + index * 3_600_000).toISOString(), key: 'alice', profile: 'main', model: 'gpt-5', provider: 'openai', upstream_model: 'gpt-5', upstream_format: 'openai-responses', usage }));
  }
  await writer.close();
}

describe('the cost of a routing change, priced from recorded traffic', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let repo: string;
  let traces: string;

  beforeAll(async () => {
    temp = await makeTempDir('switchboard-plan-cost-');
    git(temp.dir, 'init', '-q', '--bare', 'origin.git');
    repo = path.join(temp.dir, 'clone');
    git(temp.dir, 'clone', '-q', path.join(temp.dir, 'origin.git'), 'clone');
    await writeConfig(repo, config('deepseek/deepseek-chat'));
    commitAll(repo, 'config');
    git(repo, 'push', '-q', 'origin', 'HEAD:main');
    git(repo, 'fetch', '-q', 'origin');
    // The pull request: Sonnet back to Anthropic.
    await writeConfig(repo, config('anthropic/claude-sonnet-4-5'));
    traces = path.join(temp.dir, 'traces');
    await writeTraces(traces);
  });
  afterAll(() => temp?.remove());

  it('plan prints the cost per key per day before and after, and the difference', () => {
    const result = runCli(['plan', '--config-dir', repo, '--traces', traces], temp.dir);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(2);
    // 20 x $0.0322 = $0.644 -> 20 x $0.45 = $9.00 over 2 days.
    expect(result.stdout).toContain('  key bob (profile main): $0.3220/day -> $4.50/day (+$4.18/day), 20 requests');
    expect(result.stdout).toMatch(/ {2}key alice \(profile main\): \$\S+\/day -> \$\S+\/day \(±\$0\.00\/day\), 4 requests/);
    expect(result.stdout).toMatch(/^Cost: 24 recorded requests over 2\.0 days \(/m);
  });

  it('puts the headline in the pull request comment, above the route table', () => {
    const result = runCli(['plan', '--config-dir', repo, '--traces', traces, '--format', 'markdown'], temp.dir);
    expect(result.status).toBe(2);
    const comment = result.stdout;
    expect(comment).toContain('**+$4.18/day for key bob** (profile main)');
    expect(comment).toContain('| bob | main | 20 | $0.3220/day | $4.50/day | +$4.18/day |');
    expect(comment.indexOf('+$4.18/day for key bob')).toBeLessThan(comment.indexOf('| key | model | before | after |'));
  });

  it('gives the same figures as JSON for scripts', () => {
    const result = runCli(['plan', '--config-dir', repo, '--traces', traces, '--format', 'json'], temp.dir);
    const plan = JSON.parse(result.stdout) as { cost: { span: { days: number }; rows: Array<{ key: string; before: number; after: number; change_per_day: number }> } };
    expect(plan.cost.span.days).toBeCloseTo(2, 6);
    expect(plan.cost.rows[0]).toMatchObject({ key: 'bob', before: 0.644, after: 9, change_per_day: 4.178 });
  });

  it('replay prices the recorded routes against the working tree routes', () => {
    const result = runCli(['replay', '--config-dir', repo, '--traces', traces, '--since', '30d'], temp.dir);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(2);
    expect(result.stdout).toContain('  key bob (profile main): $0.3220/day -> $4.50/day (+$4.18/day), 20 requests');
  });
});

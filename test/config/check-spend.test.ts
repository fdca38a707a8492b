import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { removeConfigDirs, sha256, testEnv, writeConfigDir } from './config-test-kit.js';

afterAll(removeConfigDirs);

const profile = `rules:
  - model: claude-sonnet-4-5
    to: deepseek/deepseek-chat
  - model: local
    to: ollama/qwen3-coder
`;

function gateway(extra: string, keyExtra = ''): string {
  return `providers:
  mock:
    format: mock
  deepseek:
    format: openai-chat
    base_url: https://api.deepseek.com
    api_key: \${DEEPSEEK_API_KEY}
  ollama:
    format: openai-chat
    base_url: http://127.0.0.1:11434/v1
keys:
  alice:
    sha256: ${sha256('sb-test-alice')}
    profile: team
${keyExtra}${extra}`;
}

/** `file:line code` of every problem, and the severity of each. */
async function problemsOf(files: Record<string, string>): Promise<string[]> {
  const dir = await writeConfigDir(files);
  const result = await loadConfig(dir, { env: testEnv });
  return result.problems.map((problem) => `${problem.severity} ${problem.file}:${problem.line} ${problem.code}`);
}

describe('check: pricing, budgets and the limit store', () => {
  it('warns, and only warns, about a routed target without a price', async () => {
    const dir = await writeConfigDir({ 'gateway.yaml': gateway(''), 'profiles/team.yaml': profile });
    const result = await loadConfig(dir, { env: testEnv });
    expect(result.snapshot).toBeDefined();
    expect(result.problems.map((problem) => `${problem.severity} ${problem.file}:${problem.line} ${problem.code} ${problem.message}`)).toEqual([
      'warning profiles/team.yaml:5 CFG_TARGET_UNPRICED ollama/qwen3-coder has no price: add it to pricing.models in gateway.yaml, or its requests are traced without cost',
    ]);
  });

  it('takes a config price for the target, and then has nothing to say', async () => {
    const pricing = `pricing:
  models:
    - target: ollama/*
      input: 0
      output: 0
      description: runs on our own GPUs
`;
    expect(await problemsOf({ 'gateway.yaml': gateway(pricing), 'profiles/team.yaml': profile })).toEqual([]);
  });

  it('refuses a dollar budget over an unpriced target, an unknown currency and a negative price, each at its line', async () => {
    const extra = `pricing:
  currency: DOLLARS
  models:
    - target: deepseek/deepseek-chat
      input: -0.28
      output: 0.42
`;
    const budget = `    budget:
      usd_per_day: 20
`;
    // The schema refuses the negative price first; the currency is checked once the file is well-formed.
    expect(await problemsOf({ 'gateway.yaml': gateway(extra, budget), 'profiles/team.yaml': profile })).toEqual(['error gateway.yaml:21 CFG_INVALID_VALUE']);
    expect(await problemsOf({ 'gateway.yaml': gateway(extra.replace('-0.28', '0.28'), budget), 'profiles/team.yaml': profile })).toEqual(['error gateway.yaml:18 CFG_UNKNOWN_CURRENCY']);
    expect(await problemsOf({ 'gateway.yaml': gateway('', budget), 'profiles/team.yaml': profile })).toEqual([
      'error gateway.yaml:16 CFG_BUDGET_UNPRICED',
      'warning profiles/team.yaml:5 CFG_TARGET_UNPRICED',
    ]);
  });

  it('needs usd_per_unit for prices in another currency', async () => {
    const extra = `pricing:
  currency: EUR
  models: []
`;
    expect(await problemsOf({ 'gateway.yaml': gateway(extra), 'profiles/team.yaml': 'rules: []\ndefault: mock/echo\n' })).toEqual(['error gateway.yaml:16 CFG_UNKNOWN_CURRENCY']);
  });

  it('refuses a profile budget over an unpriced budget_fallback, an unknown time zone, and a literal Redis password', async () => {
    const limits = `limits:
  store: redis://:hunter2@redis:6379
  time_zone: Mars/Olympus
`;
    const budgeted = `budget:
  usd_per_month: 500
budget_fallback: ollama/qwen3-coder
rules: []
default: deepseek/deepseek-chat
`;
    expect(await problemsOf({ 'gateway.yaml': gateway(limits), 'profiles/team.yaml': budgeted })).toEqual([
      'error gateway.yaml:16 CFG_LITERAL_SECRET',
      'error gateway.yaml:17 CFG_INVALID_STORE',
    ]);
    const good = `limits:
  store: redis://:\${REDIS_PASSWORD}@redis:6379
  time_zone: Europe/Berlin
`;
    expect(await problemsOf({ 'gateway.yaml': gateway(good), 'profiles/team.yaml': budgeted })).toEqual([
      'error profiles/team.yaml:2 CFG_BUDGET_UNPRICED',
      'warning profiles/team.yaml:3 CFG_TARGET_UNPRICED',
    ]);
  });
});

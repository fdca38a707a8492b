import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import type { TraceRecord } from '../../src/traces/trace-record.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { makeTempDir, sha256, writeConfig } from '../helpers/test-config.js';
import { describeRun, isolatedEnv, requireClient, runClient, StrayTrafficTrap } from './real-clients.js';

const secret = 'sb-test-claude-budget-000000';

/**
 * What Claude Code 2.1.330 does with a used-up budget. Its Anthropic SDK
 * retries a 429 with backoff for minutes, unless the answer carries
 * `x-should-retry: false`; then the error message reaches the user at once.
 * A client that cannot run here fails this test (CI must have it).
 */
describe('Claude Code (claude -p) against a key whose budget is used up', () => {
  const client = requireClient('claude');
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: RunningGateway;
  const trap = new StrayTrafficTrap();

  beforeAll(async () => {
    await trap.start();
    temp = await makeTempDir('switchboard-e2e-claude-budget-');
    await writeConfig(path.join(temp.dir, 'config'), {
      gateway: {
        server: { host: '127.0.0.1', port: 0 },
        providers: { mock: { format: 'mock' } },
        keys: { dev: { sha256: sha256(secret), profile: 'main', budget: { usd_per_day: 0.01 } } },
        // The mock is free by default; priced here so one answer uses the budget up.
        pricing: { models: [{ target: 'mock/*', input: 1000, output: 1000 }] },
        traces: { dir: path.join(temp.dir, 'traces') },
      },
      profiles: { main: { rules: [], default: 'mock/echo' } },
    });
    gateway = await startInProcess(path.join(temp.dir, 'config'));
  });
  afterAll(async () => {
    await gateway?.stop();
    await trap.close();
    await temp?.remove();
  });

  async function traces(): Promise<TraceRecord[]> {
    await gateway.traces.flush();
    const text = await readFile(path.join(temp.dir, 'traces', 'traces.jsonl'), 'utf8').catch(() => '');
    return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as TraceRecord);
  }

  it('prints the budget message and exits, without retrying the 429', { timeout: 120_000 }, async () => {
    expect(client.version).toContain(client.pinned);
    // One answer spends the day's budget.
    const spend = await fetch(`${gateway.address}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': secret },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'spend the budget with a long enough prompt to cost a cent' }] }),
    });
    expect(spend.status).toBe(200);
    await spend.arrayBuffer();
    for (let attempt = 0; attempt < 100 && (await traces()).length === 0; attempt++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await traces())[0]?.cost?.usd).toBeGreaterThan(0.01);

    const home = path.join(temp.dir, 'home');
    const work = path.join(temp.dir, 'work');
    await Promise.all([mkdir(home), mkdir(work)]);
    const run = await runClient(client, ['-p', 'Say hello.', '--no-session-persistence'], {
      cwd: work,
      timeoutMs: 90_000,
      env: {
        ...isolatedEnv(home),
        ...trap.env(),
        CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
        ANTHROPIC_BASE_URL: `${gateway.address}/anthropic`,
        ANTHROPIC_AUTH_TOKEN: secret,
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_TELEMETRY: '1',
        DISABLE_AUTOUPDATER: '1',
        DISABLE_ERROR_REPORTING: '1',
      },
    });
    const refused = (await traces()).filter((record) => record.error?.code === 'SB_BUDGET_EXHAUSTED');
    const report = `${describeRun(run)}\n--- refused requests\n${refused.map((record) => `${record.ts} ${record.model} ${record.inbound.path}`).join('\n')}`;
    expect(run.timedOut, report).toBe(false);
    expect(run.code, report).not.toBe(0);
    expect(`${run.stdout}${run.stderr}`, report).toContain('Switchboard budget used up');
    expect(`${run.stdout}${run.stderr}`, report).toMatch(/resets at \d{4}-\d\d-\d\dT00:00:00Z/);
    // Each model the client asked for was refused once: x-should-retry: false stopped the SDK's retries.
    const perModel = new Map<string, number>();
    for (const record of refused) perModel.set(record.model ?? '', (perModel.get(record.model ?? '') ?? 0) + 1);
    expect(refused.length, report).toBeGreaterThan(0);
    for (const [model, count] of perModel) expect(count, `${model}\n${report}`).toBe(1);
    expect(trap.attempts, report).toEqual([]);
  });
});

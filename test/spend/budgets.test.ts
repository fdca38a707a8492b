import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import type { TraceRecord } from '../../src/traces/trace-record.js';
import { FakeProvider } from '../helpers/fake-provider.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { adminHeaders, makeTempDir, sha256, testSecrets, writeConfig, type TestConfig } from '../helpers/test-config.js';
import { chatCompletion, chatTextStream } from '../helpers/wire-transcripts.js';

const secrets = { spender: 'sb-test-spender-0000000000', team1: 'sb-test-team-one-000000000', team2: 'sb-test-team-two-000000000', streamer: 'sb-test-streamer-000000000' };

/**
 * Every answer of the fake provider reports 19 input and 10 output tokens; at 1,000 and 2,000 US dollars
 * per million that is $0.019 + $0.020 = $0.039 a request.
 */
const costPerRequest = 0.039;

function config(tracesDir: string, inputPrice = 1000): TestConfig {
  return {
    gateway: {
      server: { host: '127.0.0.1', port: 0 },
      providers: { mock: { format: 'mock' }, chat: { format: 'openai-chat', base_url: 'http://placeholder', retry: { max_retries: 0 } } },
      keys: {
        spender: { sha256: sha256(secrets.spender), profile: 'main', budget: { usd_per_day: 0.12, warn_at_percent: 60 } },
        team1: { sha256: sha256(secrets.team1), profile: 'shared' },
        team2: { sha256: sha256(secrets.team2), profile: 'shared' },
        streamer: { sha256: sha256(secrets.streamer), profile: 'main' },
        ops: { sha256: sha256(testSecrets.ops), profile: 'main', role: 'admin' },
      },
      pricing: { models: [{ target: 'chat/*', input: inputPrice, output: 2000 }] },
      limits: { time_zone: 'Europe/Berlin' },
      traces: { dir: tracesDir },
    },
    profiles: {
      main: { rules: [], default: 'chat/m' },
      shared: { rules: [], default: 'chat/m', budget: { usd_per_day: 0.08 }, budget_fallback: 'mock/cheap-echo' },
    },
  };
}

describe('spend: cost on trace lines and budgets, one gateway with the in-process store', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: RunningGateway;
  const upstream = new FakeProvider();
  const configDir = (): string => path.join(temp.dir, 'config');

  beforeAll(async () => {
    await upstream.start();
    upstream.reply((request) => {
      if (request.body.stream !== true) return { kind: 'json', body: chatCompletion('m', 'hello there') };
      // Breaks before the final usage chunk: the provider never reports what the stream cost.
      return { kind: 'sse', frames: chatTextStream('m', ['one two three four five six seven eight ']), breakAfter: 2 };
    });
    temp = await makeTempDir();
    const written = config(path.join(temp.dir, 'traces'));
    (written.gateway.providers as Record<string, Record<string, unknown>>).chat!.base_url = upstream.url;
    await writeConfig(configDir(), written);
    gateway = await startInProcess(configDir());
  });
  afterAll(async () => {
    await gateway?.stop();
    await upstream.close();
    await temp?.remove();
  });

  const chat = (secret: string, body: Record<string, unknown> = {}): Promise<Response> =>
    fetch(`${gateway.address}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` }, body: JSON.stringify({ model: 'any', messages: [{ role: 'user', content: 'hi' }], ...body }) });

  /** The trace line of a request, once written (the trace is written after the client got its answer). */
  async function traceOf(response: Response): Promise<TraceRecord> {
    const id = response.headers.get('x-switchboard-request-id');
    for (let attempt = 0; attempt < 200; attempt++) {
      await gateway.traces.flush();
      const text = await readFile(path.join(temp.dir, 'traces', 'traces.jsonl'), 'utf8').catch(() => '');
      const line = text.split('\n').find((candidate) => candidate.includes(`"id":"${id}"`));
      if (line) return JSON.parse(line) as TraceRecord;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no trace line for request ${id}`);
  }

  it('writes the cost of each request on its trace line, from the reported usage and the configured price', async () => {
    const response = await chat(secrets.streamer);
    expect(response.status).toBe(200);
    const trace = await traceOf(response);
    expect(trace.usage).toMatchObject({ input: 19, output: 10 });
    expect(trace.cost).toEqual({ usd: costPerRequest, input: 0.019, output: 0.02, cache_read: 0, cache_write: 0 });
  });

  it('charges a stream that broke for the text it produced, marked as estimated', async () => {
    const response = await chat(secrets.streamer, { stream: true });
    await response.text();
    const trace = await traceOf(response);
    expect(trace.error?.code).toBe('SB_UPSTREAM_STREAM_BROKEN');
    expect(trace.cost?.estimated).toBe(true);
    // 40 characters of text reached the client: about 10 output tokens.
    expect(trace.usage?.output).toBe(10);
    expect(trace.cost?.output).toBeCloseTo(0.02, 9);
    expect(trace.cost!.input).toBeGreaterThan(0);
  });

  it('refuses a key past its dollar budget with 429 in the client format, naming the budget and its reset, and says not to retry', async () => {
    const first = await chat(secrets.spender);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-switchboard-budget-warning')).toBeNull();
    await traceOf(first);
    await traceOf(await chat(secrets.spender));
    // $0.078 of $0.12 used: past the 60 % warning share.
    const third = await chat(secrets.spender);
    expect(third.status).toBe(200);
    expect(third.headers.get('x-switchboard-budget-warning')).toMatch(/^key spender usd_per_day: 65% used \(\$0\.078 of \$0\.12\), resets \d{4}-\d\d-\d\dT00:00:00\+0[12]:00$/);
    expect((await traceOf(third)).budget).toEqual({ warnings: [third.headers.get('x-switchboard-budget-warning')], fallback: null });

    // $0.117 used: one more at $0.039 would pass $0.12.
    const refused = await chat(secrets.spender);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-should-retry')).toBe('false');
    expect(refused.headers.get('x-switchboard-error-code')).toBe('SB_BUDGET_EXHAUSTED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await refused.json()) as { error: { message: string; type: string; code: string } };
    expect(body.error.code).toBe('SB_BUDGET_EXHAUSTED');
    expect(body.error.message).toMatch(/^Switchboard budget used up: key spender usd_per_day: 97% used \(\$0\.117 of \$0\.12\) for \d{4}-\d\d-\d\d \(Europe\/Berlin\) of API key "spender" \(what is left would not cover one more request at its average of \$0\.039\)\. It resets at \d{4}-\d\d-\d\dT00:00:00\+0[12]:00/);

    const anthropic = await fetch(`${gateway.address}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': secrets.spender },
      body: JSON.stringify({ model: 'any', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(anthropic.status).toBe(429);
    expect(await anthropic.json()).toMatchObject({ type: 'error', error: { type: 'rate_limit_error', message: expect.stringContaining('Switchboard budget used up') } });
  });

  it('sends a profile past its budget to budget_fallback, across the keys that share the profile', async () => {
    await traceOf(await chat(secrets.team1));
    await traceOf(await chat(secrets.team1));
    const before = upstream.requests.length;
    const fallback = await chat(secrets.team2);
    expect(fallback.status).toBe(200);
    expect(fallback.headers.get('x-switchboard-route')).toContain('target=mock/cheap-echo');
    expect(upstream.requests.length).toBe(before);
    const trace = await traceOf(fallback);
    expect(trace.provider).toBe('mock');
    expect(trace.budget?.fallback).toBe('profile shared usd_per_day');
    expect(trace.cost?.usd).toBe(0);
  });

  it('shows spend and what is left per key and profile in /status and /metrics', async () => {
    const status = (await (await fetch(`${gateway.address}/status`, { headers: adminHeaders })).json()) as { budgets: Array<Record<string, unknown>>; limits: Record<string, unknown> };
    expect(status.limits).toMatchObject({ store: 'memory', store_up: true, time_zone: 'Europe/Berlin', keys: { spender: { in_flight: 0, requests_last_minute: null } } });
    const spender = status.budgets.find((budget) => budget.scope === 'key' && budget.name === 'spender');
    expect(spender).toMatchObject({ budget: 'usd_per_day', limit: 0.12, used: 0.117 });
    expect(spender!.remaining as number).toBeCloseTo(0.003, 9);
    expect(status.budgets.find((budget) => budget.scope === 'profile' && budget.name === 'shared')).toMatchObject({ limit: 0.08, used: 0.078 });
    const metrics = await (await fetch(`${gateway.address}/metrics`, { headers: adminHeaders })).text();
    expect(metrics).toContain('switchboard_budget_used{scope="key",name="spender",budget="usd_per_day"} 0.117');
    expect(metrics).toContain('switchboard_budget_limit{scope="profile",name="shared",budget="usd_per_day"} 0.08');
    expect(Number(/switchboard_cost_usd_total\{key="spender",provider="chat"\} (\S+)/.exec(metrics)?.[1])).toBeCloseTo(0.117, 9);
    expect(metrics).toContain('switchboard_limit_store_up 1');
  });

  it('prices the next request at a price changed by a reload', async () => {
    const file = path.join(configDir(), 'gateway.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('input: 1000', 'input: 3000'));
    await gateway.state.store.reload('test');
    const response = await chat(secrets.streamer);
    expect((await traceOf(response)).cost).toMatchObject({ input: 0.057, usd: 0.077 });
  });
});

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeProvider } from '../helpers/fake-provider.js';
import { startInProcess, startProcess, type GatewayProcess } from '../helpers/gateway-under-test.js';
import { freePort, RedisServer } from '../helpers/redis-server.js';
import { adminHeaders, makeTempDir, sha256, testSecrets, writeConfig } from '../helpers/test-config.js';
import { chatCompletion } from '../helpers/wire-transcripts.js';

const secrets = { budget: 'sb-test-shared-budget-00000', narrow: 'sb-test-shared-narrow-00000', open: 'sb-test-shared-open-0000000' };
/** Every answer reports 19 + 10 tokens. */
const tokensPerRequest = 29;
const budgetRequests = 12;

/**
 * Three real `switchboard serve` processes sharing one real redis-server:
 * a budget, a concurrency limit and a dead replica's slots, across replicas.
 */
describe('limits shared by three gateway processes through Redis', { timeout: 120_000 }, () => {
  const redis = new RedisServer();
  const upstream = new FakeProvider();
  let temp: { dir: string; remove(): Promise<void> };
  let gateways: GatewayProcess[] = [];
  /** Requests the fake provider holds until the test lets them go. */
  const held: Array<() => void> = [];

  beforeAll(async () => {
    await Promise.all([redis.start(), upstream.start()]);
    upstream.reply((request) =>
      request.rawBody.includes('hold me')
        ? new Promise((resolve) => held.push(() => resolve({ kind: 'json', body: chatCompletion('m', 'released') })))
        : { kind: 'json', body: chatCompletion('m', 'hello there') },
    );
    temp = await makeTempDir('switchboard-shared-');
    await writeConfig(path.join(temp.dir, 'config'), {
      gateway: {
        server: { host: '127.0.0.1', port: 0 },
        providers: { chat: { format: 'openai-chat', base_url: upstream.url, retry: { max_retries: 0 } } },
        keys: {
          budget: { sha256: sha256(secrets.budget), profile: 'main', budget: { tokens_per_day: budgetRequests * tokensPerRequest } },
          narrow: { sha256: sha256(secrets.narrow), profile: 'main', limits: { max_concurrent: 2 } },
          open: { sha256: sha256(secrets.open), profile: 'main', budget: { tokens_per_day: 1_000_000 } },
          ops: { sha256: sha256(testSecrets.ops), profile: 'main', role: 'admin' },
        },
        pricing: { models: [{ target: 'chat/*', input: 1, output: 2 }] },
        // A short lease, so a killed replica's slot frees within the test.
        limits: { store: redis.url, lease_ttl_ms: 1500, store_timeout_ms: 300 },
        traces: { enabled: false },
      },
      profiles: { main: { rules: [], default: 'chat/m' } },
    });
    // One after the other: three Node processes starting at once on two busy cores can take longer than the start timeout.
    for (let replica = 0; replica < 3; replica++) gateways.push(await startProcess(path.join(temp.dir, 'config')));
  });
  afterAll(async () => {
    for (const release of held.splice(0)) release();
    await Promise.all(gateways.map((gateway) => gateway.stop('SIGKILL')));
    await Promise.all([redis.stop(), upstream.close()]);
    await temp?.remove();
  });

  const chat = (gateway: GatewayProcess, secret: string, content = 'hi'): Promise<Response> =>
    fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` }, body: JSON.stringify({ model: 'any', messages: [{ role: 'user', content }] }) });

  async function budgetStatus(gateway: GatewayProcess, key: string): Promise<{ used: number; limit: number } | undefined> {
    const status = (await (await fetch(`${gateway.url}/status`, { headers: adminHeaders })).json()) as { budgets: Array<{ scope: string; name: string; used: number; limit: number }> };
    return status.budgets.find((budget) => budget.scope === 'key' && budget.name === key);
  }

  it(`holds a budget of ${budgetRequests} requests to ${budgetRequests} across the replicas under concurrent load`, { timeout: 60_000 }, async () => {
    const statuses: number[] = [];
    // Two clients per replica, each sending requests back to back until the budget refuses it.
    await Promise.all(
      gateways.flatMap((gateway) =>
        [0, 1].map(async () => {
          for (let request = 0; request < budgetRequests; request++) {
            const response = await chat(gateway, secrets.budget);
            await response.arrayBuffer();
            statuses.push(response.status);
            if (response.status === 429) {
              expect(response.headers.get('x-switchboard-error-code')).toBe('SB_BUDGET_EXHAUSTED');
              return;
            }
          }
        }),
      ),
    );
    expect(statuses.filter((status) => status === 200)).toHaveLength(budgetRequests);
    expect(statuses.filter((status) => status !== 200 && status !== 429)).toEqual([]);
    // Every replica reads the same spend from Redis; each request was counted once.
    for (const gateway of gateways) expect(await budgetStatus(gateway, 'budget')).toMatchObject({ used: budgetRequests * tokensPerRequest, limit: budgetRequests * tokensPerRequest });
  });

  it('holds max_concurrent across replicas, and frees the slot of a replica that was killed mid-request', { timeout: 60_000 }, async () => {
    const [first, second, third] = gateways as [GatewayProcess, GatewayProcess, GatewayProcess];
    // The first replica will be killed with this request in flight: its failure is expected, caught here.
    const dying = chat(first, secrets.narrow, 'hold me').catch((error: unknown) => error);
    const surviving = chat(second, secrets.narrow, 'hold me');
    while (held.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    const refused = await chat(third, secrets.narrow);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-switchboard-error-code')).toBe('SB_LIMIT_CONCURRENCY');

    // The replica holding the first slot dies without releasing it; its lease is no longer renewed.
    await first.stop('SIGKILL');
    expect(await dying).toBeInstanceOf(Error);
    let freed: Response | undefined;
    for (let attempt = 0; attempt < 300; attempt++) {
      const probe = await chat(third, secrets.narrow);
      await probe.arrayBuffer();
      if (probe.status === 200) {
        freed = probe;
        break;
      }
      expect(probe.status).toBe(429);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(freed?.status, 'the dead replica\'s slot expired').toBe(200);
    // The live replica's request still holds its slot: renewed while it runs, past the lease lifetime.
    const blocked = [chat(third, secrets.narrow, 'hold me')];
    while (held.length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await chat(third, secrets.narrow)).status).toBe(429);
    for (const release of held.splice(0)) release();
    expect((await surviving).status).toBe(200);
    expect((await blocked[0]!).status).toBe(200);
  });

  it('keeps serving through a Redis restart under load (fail-open, counted in a metric), and counts again once it is back', async () => {
    const live = gateways.filter((gateway) => gateway.child.exitCode === null && gateway.child.signalCode === null);
    const statuses: number[] = [];
    let stop = false;
    const until = async (done: () => boolean | Promise<boolean>): Promise<void> => {
      for (let attempt = 0; attempt < 600 && !(await done()); attempt++) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(await done()).toBe(true);
    };
    // Two clients per replica, back to back, for the whole test.
    const load = live.flatMap((gateway) =>
      [0, 1].map(async () => {
        while (!stop) {
          const response = await chat(gateway, secrets.open);
          await response.arrayBuffer();
          statuses.push(response.status);
        }
      }),
    );
    await until(() => statuses.length >= 10);
    await redis.kill();
    const atKill = statuses.length;
    await until(() => statuses.length >= atKill + 20);
    await redis.start();
    // The clients reconnect in the background; the restarted Redis is empty (no persistence in the test).
    await until(async () => {
      const states = await Promise.all(live.map(async (gateway) => ((await (await fetch(`${gateway.url}/status`, { headers: adminHeaders })).json()) as { limits: { store_up: boolean } }).limits.store_up));
      return states.every(Boolean);
    });
    const atRestart = statuses.length;
    await until(() => statuses.length >= atRestart + 10);
    stop = true;
    await Promise.all(load);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);

    let errors = 0;
    for (const gateway of live) {
      const metrics = await (await fetch(`${gateway.url}/metrics`, { headers: adminHeaders })).text();
      errors += Number(/switchboard_limit_store_errors_total\{operation="admit"\} (\d+)/.exec(metrics)?.[1] ?? 0);
    }
    expect(errors).toBeGreaterThan(0);
    await live[0]!.waitForLog((line) => String(line.message).startsWith('limit store failed; serving without limits'));

    // Counting goes on in the restarted Redis: one more request adds its tokens, seen from another replica.
    const before = (await budgetStatus(live[1]!, 'open'))!.used;
    await (await chat(live[0]!, secrets.open)).arrayBuffer();
    await until(async () => (await budgetStatus(live[1]!, 'open'))!.used === before + tokensPerRequest);
  });
});

describe('a gateway set to refuse while its Redis is down', () => {
  it('answers 503 in the client format for keys with limits, and serves keys without any (no Redis call for them)', async () => {
    const temp = await makeTempDir('switchboard-refuse-');
    const port = await freePort();
    await writeConfig(temp.dir, {
      gateway: {
        server: { host: '127.0.0.1', port: 0 },
        providers: { mock: { format: 'mock' } },
        keys: {
          limited: { sha256: sha256(secrets.budget), profile: 'main', limits: { requests_per_minute: 100 } },
          free: { sha256: sha256(secrets.open), profile: 'main' },
        },
        limits: { store: `redis://127.0.0.1:${port}`, on_store_error: 'refuse', store_timeout_ms: 200 },
        traces: { enabled: false },
      },
      profiles: { main: { rules: [], default: 'mock/echo' } },
    });
    const gateway = await startInProcess(temp.dir);
    try {
      const ask = (secret: string) =>
        fetch(`${gateway.address}/anthropic/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': secret }, body: JSON.stringify({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }) });
      const refused = await ask(secrets.budget);
      expect(refused.status).toBe(503);
      expect(await refused.json()).toMatchObject({ type: 'error', error: { type: 'overloaded_error', message: expect.stringContaining('limits.on_store_error: refuse') } });
      expect((await ask(secrets.open)).status).toBe(200);
    } finally {
      await gateway.stop();
      await temp.remove();
    }
  });
});

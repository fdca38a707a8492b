import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdmitRequest, CounterStore } from '../../src/limits/counter-store.js';
import { MemoryStore } from '../../src/limits/memory-store.js';
import { RedisStore } from '../../src/limits/redis-store.js';
import { RedisServer } from '../helpers/redis-server.js';

const redis = new RedisServer();
let redisStore: RedisStore;

beforeAll(async () => {
  await redis.start();
  redisStore = new RedisStore({ url: redis.url, commandTimeoutMs: 1000 });
  await redisStore.ready();
});
afterAll(async () => {
  await redisStore?.close();
  await redis.stop();
});

let sequence = 0;
/** A request with fresh names, so each test starts from empty counters in the shared Redis. */
function names(): { lease: string; window: string; counter: string; id: () => string } {
  const run = `t${++sequence}-${Date.now()}`;
  let request = 0;
  return { lease: `{test}:${run}:lease`, window: `{test}:${run}:window`, counter: `{test}:${run}:counter`, id: () => `${run}-r${++request}` };
}

function admitRequest(id: string, overrides: Partial<AdmitRequest>): AdmitRequest {
  return { id, now: Date.now(), leaseTtlMs: 60_000, leaseSets: [], windows: [], counters: [], ...overrides };
}

const stores: Array<[string, () => CounterStore]> = [
  ['memory', () => new MemoryStore()],
  ['redis', () => redisStore],
];

describe.each(stores)('%s store', (_name, storeOf) => {
  it('refuses a lease past max, and admits again once a holder settled', async () => {
    const store = storeOf();
    const { lease, id } = names();
    const first = id();
    const request = (requestId: string) => admitRequest(requestId, { leaseSets: [{ key: lease, max: 2 }] });
    expect((await store.admit(request(first))).admitted).toBe(true);
    expect((await store.admit(request(id()))).admitted).toBe(true);
    expect(await store.admit(request(id()))).toEqual({ admitted: false, refusal: { kind: 'lease', index: 0, inFlight: 2 } });
    await store.settle({ id: first, leaseSets: [lease], amounts: [] });
    expect((await store.admit(request(id()))).admitted).toBe(true);
    expect((await store.read({ now: Date.now(), counters: [], leaseSets: [lease], windows: [] })).leaseSets).toEqual([2]);
  });

  it('refuses starts past the window maximum and says when the oldest leaves the window', async () => {
    const store = storeOf();
    const { window, id } = names();
    const request = () => admitRequest(id(), { windows: [{ key: window, max: 2, windowMs: 60_000 }] });
    expect((await store.admit(request())).admitted).toBe(true);
    expect((await store.admit(request())).admitted).toBe(true);
    const third = await store.admit(request());
    expect(third.admitted).toBe(false);
    if (third.admitted) return;
    expect(third.refusal.kind).toBe('window');
    if (third.refusal.kind === 'window') expect(third.refusal.retryAfterMs).toBeGreaterThan(50_000);
  });

  it('reserves requests in flight at the average cost so far, and refuses only what refuse marks', async () => {
    const store = storeOf();
    const { lease, counter, id } = names();
    const request = (requestId: string, refuse: boolean) => admitRequest(requestId, { leaseSets: [{ key: lease }], counters: [{ key: counter, leaseSet: 0, limit: 100, refuse }] });
    const first = id();
    // Nothing finished yet: nothing is known about the cost of a request, so it is admitted.
    expect(await store.admit(request(first, true))).toEqual({ admitted: true, counters: [{ used: 0, finished: 0, inFlight: 0, exhausted: false }] });
    await store.settle({ id: first, leaseSets: [lease], amounts: [{ key: counter, amount: 40, counted: true, expiresAt: Date.now() + 60_000 }] });
    // 40 used, one more at the average of 40 fits (80 <= 100).
    const second = id();
    expect(await store.admit(request(second, true))).toEqual({ admitted: true, counters: [{ used: 40, finished: 1, inFlight: 0, exhausted: false }] });
    // With that one in flight, a third would make 120: refused, and it took no lease.
    expect(await store.admit(request(id(), true))).toEqual({ admitted: false, refusal: { kind: 'counter', index: 0, reading: { used: 40, finished: 1, inFlight: 1, exhausted: true } } });
    expect((await store.read({ now: Date.now(), counters: [counter], leaseSets: [lease], windows: [] })).leaseSets).toEqual([1]);
    // A budget with a fallback is not refused: the request is admitted and told the budget is used up.
    expect(await store.admit(request(id(), false))).toEqual({ admitted: true, counters: [{ used: 40, finished: 1, inFlight: 1, exhausted: true }] });
    await store.settle({ id: second, leaseSets: [lease], amounts: [{ key: counter, amount: 50, counted: true, expiresAt: Date.now() + 60_000 }] });
    expect((await store.read({ now: Date.now(), counters: [counter], leaseSets: [], windows: [] })).counters).toEqual([{ used: 90, finished: 2 }]);
  });

  it('changes nothing when one check of several refuses', async () => {
    const store = storeOf();
    const { lease, window, id } = names();
    const full = names().lease;
    expect((await store.admit(admitRequest(id(), { leaseSets: [{ key: full, max: 1 }] }))).admitted).toBe(true);
    const refused = await store.admit(admitRequest(id(), { leaseSets: [{ key: lease, max: 5 }, { key: full, max: 1 }], windows: [{ key: window, max: 5, windowMs: 60_000 }] }));
    expect(refused).toEqual({ admitted: false, refusal: { kind: 'lease', index: 1, inFlight: 1 } });
    expect(await store.read({ now: Date.now(), counters: [], leaseSets: [lease], windows: [{ key: window, windowMs: 60_000 }] })).toEqual({ counters: [], leaseSets: [0], windows: [0] });
  });
});

describe('redis store leases', () => {
  it('frees the slot of a holder that stopped renewing, and keeps a renewed one', async () => {
    const { lease, id } = names();
    const renewed = id();
    const request = (requestId: string, ttl: number) => admitRequest(requestId, { leaseTtlMs: ttl, leaseSets: [{ key: lease, max: 2 }] });
    expect((await redisStore.admit(request(renewed, 300))).admitted).toBe(true);
    await redisStore.renew(renewed, [lease], 60_000);
    // A holder that died: its lease is never renewed.
    expect((await redisStore.admit(request(id(), 300))).admitted).toBe(true);
    let admitted = false;
    for (let attempt = 0; attempt < 200 && !admitted; attempt++) {
      admitted = (await redisStore.admit(request(`probe-${attempt}-${lease}`, 60_000))).admitted;
      if (!admitted) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(admitted, 'the dead holder\'s lease expired').toBe(true);
    // The renewed lease and the probe hold both slots now.
    expect((await redisStore.admit(request(id(), 60_000))).admitted).toBe(false);
  });

  it('fails a call at once, without queueing, while Redis is down', async () => {
    const server = await new RedisServer().start();
    const store = new RedisStore({ url: server.url, commandTimeoutMs: 200 });
    try {
      await store.ready();
      await server.kill();
      await expect(store.admit(admitRequest('x', { leaseSets: [{ key: '{test}:down', max: 1 }] }))).rejects.toThrow();
      await expect(store.settle({ id: 'x', leaseSets: ['{test}:down'], amounts: [] })).rejects.toThrow();
    } finally {
      await store.close();
      await server.stop();
    }
  });
});

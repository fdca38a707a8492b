import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import { FakeProvider, sse } from '../helpers/fake-provider.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { adminHeaders, baseConfig, makeTempDir, testSecrets, writeConfig } from '../helpers/test-config.js';
import { anthropicMessage } from '../helpers/wire-transcripts.js';

/**
 * Every wait before the first byte is bounded: the queue for a busy connection pool, the response
 * head, the first event of a stream, and the whole chain of retries and fallbacks.
 */
describe('bounded waits before the first byte', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: RunningGateway;
  const busy = new FakeProvider();
  const spare = new FakeProvider();
  const open: AbortController[] = [];

  beforeAll(async () => {
    await Promise.all([busy.start(), spare.start()]);
    temp = await makeTempDir();
    const provider = (url: string, settings: Record<string, unknown>): Record<string, unknown> => ({ format: 'anthropic', base_url: url, retry: { max_retries: 0 }, ...settings });
    await writeConfig(
      temp.dir,
      baseConfig(
        {
          // One connection, one waiter, and a short queue timeout.
          tiny: provider(busy.url, { max_connections: 1, max_pending: 1, timeouts: { queue_ms: 300 } }),
          // One connection, one waiter, queue timeouts long enough to watch the queue.
          held: provider(busy.url, { max_connections: 1, max_pending: 1, timeouts: { queue_ms: 60_000, first_byte_ms: 60_000 } }),
          // One connection; the queue wait counts against first_byte_ms.
          tight: provider(busy.url, { max_connections: 1, timeouts: { queue_ms: 60_000, first_byte_ms: 2000, idle_ms: 60_000 } }),
          silent: provider(busy.url, { timeouts: { first_byte_ms: 300, idle_ms: 60_000 } }),
          quick: provider(busy.url, { timeouts: { first_byte_ms: 200 } }),
          slow: provider(busy.url, { timeouts: { first_byte_ms: 1500 } }),
          spare: provider(spare.url, { timeouts: { first_byte_ms: 1500 } }),
        },
        {
          rules: [
            { model: 'tiny-only', to: 'tiny/a' },
            { model: 'tiny-fallback', to: ['tiny/a', 'spare/b'] },
            { model: 'held-only', to: 'held/a' },
            { model: 'held-fallback', to: ['held/a', 'spare/b'] },
            { model: 'tight-only', to: 'tight/a' },
            { model: 'silent-only', to: 'silent/a' },
            { model: 'silent-fallback', to: ['silent/a', 'spare/b'] },
            { model: 'chain', to: ['quick/a', 'slow/a', 'spare/b'] },
            { model: 'short-first', to: ['quick/a', 'spare/b'] },
          ],
        },
      ),
    );
    gateway = await startInProcess(temp.dir);
    spare.reply((request) => ({ kind: 'json', body: anthropicMessage(String(request.body.model), 'from spare') }));
  });
  afterEach(async () => {
    for (const controller of open.splice(0)) controller.abort();
    // The gateway aborts its upstream calls once their clients are gone.
    await waitFor(async () => (await status()).providers.held!.connections.active === 0 && (await status()).providers.tiny!.connections.active === 0);
    busy.requests.length = 0;
    spare.requests.length = 0;
  });
  afterAll(async () => {
    await gateway.stop();
    await Promise.all([busy.close(), spare.close()]);
    await temp.remove();
  });

  const ask = (model: string, options: { stream?: boolean; signal?: AbortSignal } = {}): Promise<Response> =>
    fetch(`${gateway.address}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': testSecrets.alice },
      body: JSON.stringify({ model, max_tokens: 5, stream: options.stream ?? false, messages: [{ role: 'user', content: 'x' }] }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  /** A request left hanging on the busy provider until the test ends. */
  const hold = (model: string): void => {
    const controller = new AbortController();
    open.push(controller);
    ask(model, { signal: controller.signal }).catch(() => undefined);
  };
  interface Status {
    providers: Record<string, { connections: { active: number; queued: number } }>;
  }
  const status = async (): Promise<Status> => (await (await fetch(`${gateway.address}/status`, { headers: adminHeaders })).json()) as Status;

  it('falls back when no connection frees up within queue_ms', async () => {
    busy.reply(() => ({ kind: 'hang' }));
    hold('tiny-only');
    await waitFor(() => busy.requests.length === 1);
    const response = await ask('tiny-fallback');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchboard-route')).toContain('target=spare/b');
    expect(await response.text()).toContain('from spare');
    expect(busy.requests).toHaveLength(1);
  });

  it('shows the queue in /status and /metrics, falls back at once when it is full, and answers 503 in the caller format without a fallback', async () => {
    busy.reply(() => ({ kind: 'hang' }));
    hold('held-only');
    await waitFor(() => busy.requests.length === 1);
    hold('held-only');
    await waitFor(async () => (await status()).providers.held!.connections.queued === 1);
    const metrics = await (await fetch(`${gateway.address}/metrics`, { headers: adminHeaders })).text();
    expect(metrics).toContain('switchboard_upstream_queued_requests{provider="held"} 1');
    expect(metrics).toContain('switchboard_upstream_active_requests{provider="held"} 1');

    const fallback = await ask('held-fallback');
    expect(fallback.status).toBe(200);
    expect(fallback.headers.get('x-switchboard-route')).toContain('target=spare/b');
    await fallback.arrayBuffer();

    const refused = await fetch(`${gateway.address}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${testSecrets.alice}` },
      body: JSON.stringify({ model: 'held-only', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('x-switchboard-error-code')).toBe('SB_UPSTREAM_POOL_FULL');
    expect(refused.headers.get('retry-after')).not.toBeNull();
    expect(await refused.json()).toMatchObject({ error: { message: expect.stringContaining('provider "held"') } });
    expect(busy.requests).toHaveLength(1);
  });

  it('counts the time queued for a connection against first_byte_ms', async () => {
    // The first stream sends its first event and then idles, holding the only connection.
    busy.reply(() => ({ kind: 'sse', frames: [sse({ type: 'message_start', message: { id: 'm', type: 'message', role: 'assistant', model: 'a', content: [], stop_reason: null, usage: { input_tokens: 1, output_tokens: 0 } } }, 'message_start'), sse({ type: 'ping' }, 'ping')], hangAfter: 1 }));
    const holder = new AbortController();
    open.push(holder);
    const first = await ask('tight-only', { stream: true, signal: holder.signal });
    expect(first.status).toBe(200);
    const response = await ask("tight-only");
    expect(response.status).toBe(504);
    expect(response.headers.get('x-switchboard-error-code')).toBe('SB_UPSTREAM_TIMEOUT');
    expect(busy.requests).toHaveLength(1);
  });

  it('times out a stream whose head arrived but whose first event never does, within first_byte_ms', async () => {
    busy.reply(() => ({ kind: 'sse', frames: [sse({ type: 'ping' }, 'ping')], hangAfter: 0 }));
    const alone = await ask('silent-only', { stream: true });
    expect(alone.status).toBe(504);
    expect(await alone.json()).toMatchObject({ type: 'error', error: { type: 'timeout_error', message: expect.stringContaining('first event') } });
    const fallback = await ask('silent-fallback', { stream: true });
    expect(fallback.status).toBe(200);
    expect(fallback.headers.get('x-switchboard-route')).toContain('target=spare/b');
    await fallback.arrayBuffer();
  });

  it('bounds the whole chain of fallbacks by the longest first_byte_ms of its targets', async () => {
    busy.reply(() => ({ kind: 'hang' }));
    const chain = await ask('chain');
    expect(chain.status).toBe(504);
    expect(chain.headers.get('x-switchboard-error-code')).toBe('SB_UPSTREAM_TIMEOUT');
    // quick timed out, slow used the rest of the chain's budget, so spare was never started.
    expect(busy.requests).toHaveLength(2);
    expect(spare.requests).toHaveLength(0);

    // A short first timeout leaves the rest of the budget to the fallback.
    const shortFirst = await ask('short-first');
    expect(shortFirst.status).toBe(200);
    expect(shortFirst.headers.get('x-switchboard-route')).toContain('target=spare/b');
    await shortFirst.arrayBuffer();
  });
});

async function waitFor(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 20));
}

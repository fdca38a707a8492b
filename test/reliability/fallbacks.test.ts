import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import { FakeProvider } from '../helpers/fake-provider.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { adminHeaders, baseConfig, makeTempDir, testSecrets, writeConfig } from '../helpers/test-config.js';
import { anthropicMessage, anthropicTextStream } from '../helpers/wire-transcripts.js';

describe('fallbacks, retries and circuit breakers', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: RunningGateway;
  const primary = new FakeProvider();
  const secondary = new FakeProvider();
  let deadUrl = '';

  beforeAll(async () => {
    await Promise.all([primary.start(), secondary.start()]);
    const closed = await new FakeProvider().start();
    deadUrl = closed.url;
    await closed.close();
    temp = await makeTempDir();
    const provider = (url: string, retries: number): Record<string, unknown> => ({ format: 'anthropic', base_url: url, retry: { max_retries: retries, backoff_ms: 10 }, timeouts: { first_byte_ms: 2000 } });
    await writeConfig(
      temp.dir,
      baseConfig(
        { primary: provider(primary.url, 0), secondary: provider(secondary.url, 0), retrying: provider(primary.url, 1), dead: provider(deadUrl, 0), mock: { format: 'mock' } },
        {
          rules: [
            { model: 'fallback', to: ['primary/p-model', 'secondary/s-model'] },
            { model: 'retry', to: 'retrying/p-model' },
            { model: 'dead-first', to: ['dead/x', 'secondary/s-model'] },
          ],
        },
      ),
    );
    gateway = await startInProcess(temp.dir);
  });
  afterAll(async () => {
    await gateway.stop();
    await Promise.all([primary.close(), secondary.close()]);
    await temp.remove();
  });
  afterEach(() => {
    primary.requests.length = 0;
    secondary.requests.length = 0;
  });

  const ask = (model: string, stream = false): Promise<Response> =>
    fetch(`${gateway.address}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': testSecrets.alice },
      body: JSON.stringify({ model, max_tokens: 5, stream, messages: [{ role: 'user', content: 'x' }] }),
    });

  it.each([
    ['500', { kind: 'json' as const, status: 500, body: { type: 'error', error: { type: 'api_error', message: 'boom' } } }],
    ['529 overloaded', { kind: 'json' as const, status: 529, body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } }],
    ['429', { kind: 'json' as const, status: 429, body: { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } } }],
    ['an overloaded error event before any content', { kind: 'sse' as const, frames: ['event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n'] }],
  ])('falls back to the next target on %s before any byte reached the client', async (_name, failure) => {
    primary.reply(() => failure);
    secondary.reply((request) => (request.body.stream ? { kind: 'sse', frames: anthropicTextStream('s-model', ['from ', 'secondary']) } : { kind: 'json', body: anthropicMessage('s-model', 'from secondary') }));
    const stream = failure.kind === 'sse';
    const response = await ask('fallback', stream);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchboard-route')).toContain('target=secondary/s-model');
    const text = await response.text();
    expect(text).toContain('secondary');
    expect(primary.requests).toHaveLength(1);
    expect(secondary.requests[0]!.body.model).toBe('s-model');
    gateway.state.health.recordSuccess('primary');
  });

  it('falls back when the first target refuses connections', async () => {
    secondary.reply(() => ({ kind: 'json', body: anthropicMessage('s-model', 'from secondary') }));
    const response = await ask('dead-first');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchboard-route')).toContain('target=secondary/s-model');
  });

  it('retries the same target after retry-after, and never after the first byte was sent', async () => {
    let calls = 0;
    primary.reply(() => (++calls === 1 ? { kind: 'json', status: 429, headers: { 'retry-after': '1' }, body: { type: 'error', error: { type: 'rate_limit_error', message: 'wait' } } } : { kind: 'json', body: anthropicMessage('p-model', 'second time lucky') }));
    const started = Date.now();
    const response = await ask('retry');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('second time lucky');
    expect(primary.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);

    primary.requests.length = 0;
    primary.reply(() => ({ kind: 'sse', frames: anthropicTextStream('p-model', ['a', 'b', 'c']), breakAfter: 4 }));
    secondary.reply(() => ({ kind: 'sse', frames: anthropicTextStream('s-model', ['never']) }));
    const broken = await ask('fallback', true);
    const text = await broken.text();
    expect(text).toContain('event: error');
    expect(text).not.toContain('never');
    expect(primary.requests).toHaveLength(1);
    expect(secondary.requests).toHaveLength(0);
    gateway.state.health.recordSuccess('primary');
  });

  it('marks a provider that keeps failing as down and skips it while the next target is up', async () => {
    primary.reply(() => ({ kind: 'json', status: 503, body: { type: 'error', error: { type: 'api_error', message: 'down' } } }));
    secondary.reply(() => ({ kind: 'json', body: anthropicMessage('s-model', 'ok') }));
    for (let index = 0; index < 3; index++) expect((await ask('fallback')).status).toBe(200);
    expect(primary.requests).toHaveLength(3);
    for (let index = 0; index < 5; index++) expect((await ask('fallback')).status).toBe(200);
    expect(primary.requests).toHaveLength(3);
    expect(secondary.requests).toHaveLength(8);
    const status = (await (await fetch(`${gateway.address}/status`, { headers: adminHeaders })).json()) as { circuit_breakers: Record<string, { state: string }> };
    expect(status.circuit_breakers.primary!.state).toBe('down');
    gateway.state.health.recordSuccess('primary');
  });
});

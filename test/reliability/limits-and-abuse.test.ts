import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import { FakeProvider } from '../helpers/fake-provider.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { adminHeaders, makeTempDir, sha256, testSecrets, writeConfig } from '../helpers/test-config.js';
import { chatCompletion } from '../helpers/wire-transcripts.js';

const secrets = { limited: 'sb-test-limited-key-000000', rpm: 'sb-test-rpm-key-000000000', budget: 'sb-test-budget-key-0000000', free: 'sb-test-free-key-00000000' };

describe('limits and abuse', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: RunningGateway;
  const upstream = new FakeProvider();

  beforeAll(async () => {
    await upstream.start();
    upstream.reply((request) => (request.rawBody.includes('slow please') ? { kind: 'hang' } : { kind: 'json', body: chatCompletion('m', 'hello there') }));
    temp = await makeTempDir();
    await writeConfig(temp.dir, {
      gateway: {
        server: { host: '127.0.0.1', port: 0, request_timeout_ms: 1000, body_limit_mb: 1 },
        providers: { chat: { format: 'openai-chat', base_url: upstream.url, timeouts: { first_byte_ms: 1500 }, retry: { max_retries: 0 } } },
        keys: {
          limited: { sha256: sha256(secrets.limited), profile: 'main', limits: { max_concurrent: 1 } },
          rpm: { sha256: sha256(secrets.rpm), profile: 'main', limits: { requests_per_minute: 2 } },
          budget: { sha256: sha256(secrets.budget), profile: 'main', limits: { tokens_per_day: 20 } },
          free: { sha256: sha256(secrets.free), profile: 'main' },
          ops: { sha256: sha256(testSecrets.ops), profile: 'main', role: 'admin' },
        },
        traces: { enabled: false },
      },
      profiles: { main: { rules: [], default: 'chat/m' } },
    });
    gateway = await startInProcess(temp.dir);
  });
  afterAll(async () => {
    await gateway.stop();
    await upstream.close();
    await temp.remove();
  });

  const chat = (secret: string, content = 'hi', path = '/v1/chat/completions'): Promise<Response> =>
    fetch(`${gateway.address}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` }, body: JSON.stringify({ model: 'any', messages: [{ role: 'user', content }] }) });

  it('refuses a request over max_concurrent with 429 and retry-after, in the OpenAI format', async () => {
    const slow = chat(secrets.limited, 'slow please');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await chat(secrets.limited);
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('1');
    expect(((await second.json()) as { error: { message: string; type: string } }).error.message).toContain('max_concurrent');
    expect((await slow).status).toBe(504);
    expect((await chat(secrets.limited)).status).toBe(200);
  });

  it('refuses the request over requests_per_minute, and in the Anthropic format on /anthropic', async () => {
    expect((await chat(secrets.rpm)).status).toBe(200);
    expect((await chat(secrets.rpm)).status).toBe(200);
    const third = await fetch(`${gateway.address}/anthropic/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': secrets.rpm }, body: JSON.stringify({ model: 'any', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }) });
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(50);
    expect(((await third.json()) as { type: string; error: { type: string } }).error.type).toBe('rate_limit_error');
  });

  it('refuses once tokens_per_day is used up, until the next UTC day', async () => {
    // Each answer reports 29 tokens (19 in + 10 out); the budget is 20.
    expect((await chat(secrets.budget)).status).toBe(200);
    const over = await chat(secrets.budget);
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(over.headers.get('retry-after'))).toBeLessThanOrEqual(86_400);
  });

  it('rejects a flood of invalid keys before parsing any body, and the upstream sees nothing', async () => {
    const before = upstream.requests.length;
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, index) =>
        fetch(`${gateway.address}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer sb-bad-${index}` }, body: '{"this is": not json' }).then((response) => response.status),
      ),
    );
    expect(new Set(results)).toEqual(new Set([401]));
    expect(upstream.requests.length).toBe(before);
  });

  it('answers a slowloris body with a timeout and stays healthy', async () => {
    const url = new URL(gateway.address);
    const socket = connect(Number(url.port), url.hostname);
    const closed = new Promise<string>((resolve) => {
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString()));
      socket.on('close', () => resolve(received));
    });
    socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${secrets.free}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"model":`);
    const started = Date.now();
    const answer = await closed;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
    expect((await fetch(`${gateway.address}/healthz`)).status).toBe(200);
  });

  it('answers thousands of malformed requests with well-formed errors and stays healthy', async () => {
    const bodies: Array<string | Blob> = [
      '',
      'null',
      '[]',
      '"text"',
      '{',
      '{"model": 5}',
      '{"model": "any"}',
      '{"model": "any", "messages": "nope"}',
      '{"model": "any", "messages": [{"role": 7}]}',
      '{"model": "any", "input": {"deep": [[[[[]]]]]}}',
      new Blob([new Uint8Array([0xff, 0xfe, 0x00, 0x7b])]),
      '{"model":"any","messages":[' + '['.repeat(5000) + ']'.repeat(5000) + ']}',
      JSON.stringify({ model: 'any', messages: [{ role: 'user', content: [{ type: 'mystery', data: 1 }] }] }),
      JSON.stringify({ model: 'x'.repeat(10_000), messages: [] }),
    ];
    const paths = ['/v1/chat/completions', '/v1/responses', '/anthropic/v1/messages', '/anthropic/v1/messages/count_tokens'];
    const contentTypes = ['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-8'];
    let sent = 0;
    const work: Array<Promise<void>> = [];
    for (let round = 0; round < 10; round++) {
      for (const path of paths) {
        for (const body of bodies) {
          for (const contentType of contentTypes) {
            // Mutate some bodies per round: truncate at a pseudo-random point.
            const text = typeof body === 'string' && round > 0 ? body.slice(0, Math.max(0, body.length - ((round * 7) % (body.length + 1)))) : body;
            sent++;
            work.push(
              fetch(`${gateway.address}${path}`, { method: 'POST', headers: { 'content-type': contentType, authorization: `Bearer ${secrets.free}`, 'anthropic-version': '2023-06-01' }, body: text }).then(async (response) => {
                const answer = await response.text();
                if (response.status === 200) return;
                expect(response.status).toBeGreaterThanOrEqual(400);
                expect(response.status).toBeLessThan(600);
                const parsed = JSON.parse(answer) as { error?: { message?: string }; type?: string };
                expect(typeof parsed.error?.message).toBe('string');
                if (path.startsWith('/anthropic')) expect(parsed.type).toBe('error');
              }),
            );
            if (work.length >= 64) await Promise.all(work.splice(0));
          }
        }
      }
    }
    await Promise.all(work);
    expect(sent).toBeGreaterThan(2000);
    expect((await fetch(`${gateway.address}/healthz`)).status).toBe(200);
    expect((await chat(secrets.free)).status).toBe(200);
  });

  it('serves /metrics whose counters match the traffic sent', async () => {
    const scrape = async (): Promise<string> => (await fetch(`${gateway.address}/metrics`, { headers: adminHeaders })).text();
    const count = (text: string, labels: string): number => {
      const line = text.split('\n').find((entry) => entry.startsWith('switchboard_requests_total{') && entry.includes(labels));
      return line ? Number(line.split(' ').at(-1)) : 0;
    };
    const before = await scrape();
    for (let index = 0; index < 5; index++) expect((await chat(secrets.free)).status).toBe(200);
    await chat('sb-nope');
    const after = await scrape();
    expect(count(after, 'key="free",profile="main",rule="default",provider="chat",status="200"') - count(before, 'key="free",profile="main",rule="default",provider="chat",status="200"')).toBe(5);
    expect(count(after, 'key="none",profile="none",rule="none",provider="none",status="401"') - count(before, 'key="none",profile="none",rule="none",provider="none",status="401"')).toBe(1);
    expect(after).toContain('switchboard_request_duration_seconds_bucket');
    expect(after).toMatch(/switchboard_tokens_total\{key="free",provider="chat",kind="input"\} \d+/);
    expect(after).toContain('switchboard_in_flight_requests 0');
  });
});

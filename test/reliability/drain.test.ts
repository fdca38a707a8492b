import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeProvider } from '../helpers/fake-provider.js';
import { startProcess } from '../helpers/gateway-under-test.js';
import { baseConfig, makeTempDir, testSecrets, writeConfig } from '../helpers/test-config.js';
import { anthropicTextStream } from '../helpers/wire-transcripts.js';

describe('graceful shutdown', () => {
  let temp: { dir: string; remove(): Promise<void> };
  const upstream = new FakeProvider();

  beforeAll(async () => {
    await upstream.start();
    temp = await makeTempDir();
  });
  afterAll(async () => {
    await upstream.close();
    await temp.remove();
  });

  it('finishes 50 live streams after SIGTERM, refuses new requests, writes every trace line and exits 0', async () => {
    const tracesDir = path.join(temp.dir, 'traces');
    await writeConfig(temp.dir, baseConfig({ claude: { format: 'anthropic', base_url: upstream.url } }, { rules: [], default: 'claude/upstream-model' }, tracesDir));
    const pieces = Array.from({ length: 20 }, (_, index) => `w${index} `);
    upstream.reply(() => ({ kind: 'sse', frames: anthropicTextStream('upstream-model', pieces), delayMs: 60 }));
    const gateway = await startProcess(temp.dir);

    const streams = Array.from({ length: 50 }, async () => {
      const response = await fetch(`${gateway.url}/anthropic/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': testSecrets.alice },
        body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'x' }] }),
      });
      return { status: response.status, text: await response.text() };
    });
    // Wait until every stream is under way upstream, then ask the gateway to stop.
    const start = Date.now();
    while (upstream.requests.length < 50 && Date.now() - start < 10_000) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(upstream.requests).toHaveLength(50);
    gateway.child.kill('SIGTERM');
    await gateway.waitForLog((line) => line.message === 'draining');
    const refused = await fetch(`${gateway.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': testSecrets.alice },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
    }).then(
      (response) => response.status,
      () => 'connection refused',
    );
    expect([503, 'connection refused']).toContain(refused);

    const results = await Promise.all(streams);
    for (const result of results) {
      expect(result.status).toBe(200);
      expect(result.text).toContain('event: message_stop');
      expect(result.text).toContain('w19 ');
    }
    expect(await gateway.stop()).toBe(0);

    const files = (await readdir(tracesDir)).filter((name) => name.endsWith('.jsonl'));
    const lines = (await Promise.all(files.map((name) => readFile(path.join(tracesDir, name), 'utf8')))).join('').split('\n').filter(Boolean);
    const records = lines.map((line) => JSON.parse(line) as { status: number; stream: boolean });
    const streamed = records.filter((record) => record.stream && record.status === 200);
    expect(streamed).toHaveLength(50);
  });
});

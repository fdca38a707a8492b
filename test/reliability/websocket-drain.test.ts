import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeProvider } from '../helpers/fake-provider.js';
import { startProcess } from '../helpers/gateway-under-test.js';
import { ResponsesSocket } from '../helpers/responses-socket.js';
import { baseConfig, makeTempDir, testSecrets, writeConfig } from '../helpers/test-config.js';
import { anthropicTextStream } from '../helpers/wire-transcripts.js';

describe('graceful shutdown with Responses WebSocket connections', () => {
  let temp: { dir: string; remove(): Promise<void> };
  const upstream = new FakeProvider();

  beforeAll(async () => {
    await upstream.start();
    temp = await makeTempDir('switchboard-ws-drain-');
  });
  afterAll(async () => {
    await upstream.close();
    await temp.remove();
  });

  it('on SIGTERM closes idle sockets at once, lets the response in flight finish before closing its socket, and exits 0', async () => {
    const tracesDir = path.join(temp.dir, 'traces');
    await writeConfig(temp.dir, baseConfig({ claude: { format: 'anthropic', base_url: upstream.url } }, { rules: [], default: 'claude/upstream-model' }, tracesDir));
    const pieces = Array.from({ length: 20 }, (_, index) => `w${index} `);
    upstream.reply(() => ({ kind: 'sse', frames: anthropicTextStream('upstream-model', pieces), delayMs: 50 }));
    const gateway = await startProcess(temp.dir);
    const auth = { authorization: `Bearer ${testSecrets.alice}` };

    const idle = await ResponsesSocket.open(gateway.url, auth);
    const busy = await ResponsesSocket.open(gateway.url, auth);
    busy.send({ type: 'response.create', model: 'claude-sonnet-4-5', input: 'tell me a long story' });
    await vi.waitFor(() => expect(busy.frames.length).toBeGreaterThan(0), { timeout: 10_000 });

    gateway.child.kill('SIGTERM');
    await gateway.waitForLog((line) => line.message === 'draining');
    expect(await idle.closed).toEqual({ code: 1001, reason: 'going away' });

    const answer = await busy.response(0);
    expect(answer.at(-1)).toMatchObject({ type: 'response.completed', response: { status: 'completed' } });
    const text = answer.filter((frame) => frame.type === 'response.output_text.delta').map((frame) => frame.delta).join('');
    expect(text).toBe(pieces.join(''));
    expect(await busy.closed).toEqual({ code: 1001, reason: 'going away' });
    expect(await gateway.stop()).toBe(0);

    const files = await readdir(tracesDir);
    const lines = (await Promise.all(files.map((name) => readFile(path.join(tracesDir, name), 'utf8')))).join('').split('\n').filter((line) => line !== '');
    expect(lines.map((line) => JSON.parse(line) as { status: number; inbound: { transport?: string } })).toEqual([expect.objectContaining({ status: 200, inbound: expect.objectContaining({ transport: 'websocket' }) })]);
  });
});

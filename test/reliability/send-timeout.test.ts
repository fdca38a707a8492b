import { once } from 'node:events';
import { readdir, readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import type { TraceRecord } from '../../src/traces/trace-record.js';
import { FakeProvider } from '../helpers/fake-provider.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { baseConfig, makeTempDir, testSecrets, writeConfig } from '../helpers/test-config.js';
import { anthropicTextStream } from '../helpers/wire-transcripts.js';

/** A client that stops reading used to hold its stream and the upstream connection for as long as it kept the socket open. */
describe('a client that stops reading a stream', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: RunningGateway;
  const upstream = new FakeProvider();
  const tracesDir = (): string => path.join(temp.dir, 'traces');

  beforeAll(async () => {
    await upstream.start();
    temp = await makeTempDir();
    const config = baseConfig({ anthropic: { format: 'anthropic', base_url: upstream.url, timeouts: { idle_ms: 600_000 } } }, { rules: [], default: 'anthropic/claude-sonnet-4-5' }, tracesDir());
    config.gateway.server = { ...(config.gateway.server as object), send_timeout_ms: 1000 };
    await writeConfig(temp.dir, config);
    gateway = await startInProcess(temp.dir);
  });
  afterAll(async () => {
    await gateway.stop();
    await upstream.close();
    await temp.remove();
  });

  it('is cut off after send_timeout_ms: socket closed, upstream aborted, traced as SB_CLIENT_STALLED', async () => {
    // Up to 40 MB, paced so the provider is still writing when the gateway gives up: more than the
    // kernel buffers of both loopback sockets hold, so the gateway's writes back up.
    const piece = 'x'.repeat(10_000);
    upstream.reply(() => ({ kind: 'sse', frames: anthropicTextStream('claude-sonnet-4-5', Array.from({ length: 4000 }, () => piece)), delayMs: 1 }));
    const body = JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'x' }] });
    const { port } = new URL(gateway.address);
    const socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    socket.write(
      `POST /anthropic/v1/messages HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\nx-api-key: ${testSecrets.alice}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    // Never reads: the bytes pile up in the socket buffers.
    socket.pause();

    await waitFor(() => upstream.requests[0]?.aborted === true);
    const trace = await waitFor(async () => (await traceLines(tracesDir())).find((line) => line.error?.code === 'SB_CLIENT_STALLED'));
    expect(trace.error!.message).toContain('send_timeout_ms');
    expect(trace.status).toBe(200);
    // The gateway closed its end: reading what was already in flight reaches the end of the connection.
    socket.on('error', () => undefined);
    socket.resume();
    await once(socket, 'close');
    expect((await fetch(`${gateway.address}/healthz`)).status).toBe(200);
  });
});

async function traceLines(dir: string): Promise<TraceRecord[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const lines: TraceRecord[] = [];
  for (const name of names.filter((file) => file.endsWith('.jsonl'))) {
    // Only whole lines: the writer may be in the middle of a long one.
    const whole = (await readFile(path.join(dir, name), 'utf8')).split('\n').slice(0, -1);
    for (const line of whole) lines.push(JSON.parse(line) as TraceRecord);
  }
  return lines;
}

async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

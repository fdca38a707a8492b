import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { baseConfig, makeTempDir, testSecrets, writeConfig } from '../helpers/test-config.js';
import { anthropicMessage } from '../helpers/wire-transcripts.js';

interface Served {
  /** Resolves true when the whole body went out, false when the gateway closed the connection first. */
  finished: Promise<boolean>;
}

/**
 * An upstream whose answers are as large as a test says: `next` holds the
 * status and a body written in 64 KiB chunks, as fast as the gateway reads.
 */
class HugeBodyUpstream {
  private readonly server: Server;
  readonly served: Served[] = [];
  next: { status: number; contentType: string; head: string; totalBytes: number } = { status: 200, contentType: 'application/json', head: '', totalBytes: 0 };
  url = '';

  constructor() {
    this.server = createServer((request, response) => {
      request.resume();
      request.on('end', () => this.served.push({ finished: this.answer(response) }));
    });
  }

  async start(): Promise<void> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async answer(response: ServerResponse): Promise<boolean> {
    const { status, contentType, head, totalBytes } = this.next;
    // 'close' comes after the last byte went out, or when the gateway hung up first.
    const finished = new Promise<boolean>((resolve) => response.once('close', () => resolve(response.writableFinished)));
    response.writeHead(status, { 'content-type': contentType, 'content-length': String(totalBytes) });
    const filler = Buffer.alloc(64 * 1024, 0x20);
    response.write(head);
    let sent = Buffer.byteLength(head);
    while (sent < totalBytes && !response.destroyed) {
      const chunk = filler.subarray(0, Math.min(filler.length, totalBytes - sent));
      sent += chunk.length;
      if (!response.write(chunk)) await Promise.race([once(response, 'drain'), finished]);
    }
    response.end();
    return finished;
  }
}

describe('upstream bodies are read up to a cap', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: RunningGateway;
  const upstream = new HugeBodyUpstream();

  beforeAll(async () => {
    await upstream.start();
    temp = await makeTempDir();
    const config = baseConfig({ claude: { format: 'anthropic', base_url: upstream.url, retry: { max_retries: 0 } } }, { rules: [], default: 'claude/claude-sonnet-4-5' });
    config.gateway.server = { host: '127.0.0.1', port: 0, upstream_body_limit_mb: 1 };
    await writeConfig(temp.dir, config);
    gateway = await startInProcess(temp.dir);
  });
  afterAll(async () => {
    await gateway.stop();
    await upstream.close();
    await temp.remove();
  });

  const ask = async (): Promise<{ status: number; body: { type: string; error?: { type: string; message: string } } }> => {
    const response = await fetch(`${gateway.address}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': testSecrets.alice },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
    });
    return { status: response.status, body: (await response.json()) as { type: string; error?: { type: string; message: string } } };
  };

  it('reads an error body only up to 64 KiB and closes the connection on the rest', async () => {
    upstream.next = { status: 500, contentType: 'text/plain', head: 'upstream exploded: ', totalBytes: 64 * 1024 * 1024 };
    const answer = await ask();
    expect(answer.status).toBe(500);
    expect(answer.body.error?.message).toMatch(/^upstream exploded: /);
    expect(await upstream.served.at(-1)!.finished).toBe(false);
  });

  it('refuses a whole answer over server.upstream_body_limit_mb with 502, and relays one under it', async () => {
    const message = JSON.stringify(anthropicMessage('claude-sonnet-4-5', 'padded answer'));
    // Valid JSON either way: the filler is whitespace after the object.
    upstream.next = { status: 200, contentType: 'application/json', head: message, totalBytes: 8 * 1024 * 1024 };
    const refused = await ask();
    expect(refused.status).toBe(502);
    expect(refused.body).toMatchObject({ type: 'error', error: { type: 'api_error', message: expect.stringContaining('server.upstream_body_limit_mb') } });
    expect(await upstream.served.at(-1)!.finished).toBe(false);

    upstream.next = { status: 200, contentType: 'application/json', head: message, totalBytes: 512 * 1024 };
    const relayed = await ask();
    expect(relayed.status).toBe(200);
    expect(relayed.body).toMatchObject({ type: 'message', content: [{ type: 'text', text: 'padded answer' }] });
  });
});

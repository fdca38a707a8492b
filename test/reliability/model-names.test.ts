import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClientResponse } from '../../src/pipeline/client-response.js';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { baseConfig, makeTempDir, testSecrets, writeConfig } from '../helpers/test-config.js';

/**
 * A regex capture copies the client's model into `x-switchboard-route`. A character Node refuses in a
 * header used to make writeHead throw after the response counted as started: nothing was sent and the
 * socket stayed open, so a flood of such requests exhausted the file descriptors.
 */
describe('model names a client chooses', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: RunningGateway;

  beforeAll(async () => {
    temp = await makeTempDir();
    await writeConfig(
      temp.dir,
      baseConfig({}, { rules: [{ model_regex: '^gpt-(.+)$', to: 'mock/$1' }, { model_regex: '^wide-(.+)$', to: 'mock/模型-$1' }], default: 'mock/echo' }),
    );
    gateway = await startInProcess(temp.dir);
  });
  afterAll(async () => {
    await gateway.stop();
    await temp.remove();
  });

  const chat = (model: string): Promise<Response> =>
    fetch(`${gateway.address}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${testSecrets.alice}` },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    });
  const anthropic = (model: string): Promise<Response> =>
    fetch(`${gateway.address}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': testSecrets.alice },
      body: JSON.stringify({ model, max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }),
    });

  it('refuses a model with an emoji or a control character with 400 in the caller format', async () => {
    const emoji = await chat('gpt-🔑');
    expect(emoji.status).toBe(400);
    expect(await emoji.json()).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringContaining('printable ASCII') } });
    const control = await anthropic('gpt-\u0001x');
    expect(control.status).toBe(400);
    expect(await control.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('printable ASCII') } });
    const newline = await anthropic('gpt-a\r\nx-injected: 1');
    expect(newline.status).toBe(400);
    expect(newline.headers.get('x-injected')).toBeNull();
  });

  it('refuses a model longer than 256 characters and accepts one of 256', async () => {
    const long = await chat(`gpt-${'x'.repeat(253)}`);
    expect(long.status).toBe(400);
    expect(await long.json()).toMatchObject({ error: { message: expect.stringContaining('256') } });
    const longest = await chat(`gpt-${'x'.repeat(252)}`);
    expect(longest.status).toBe(200);
    await longest.arrayBuffer();
  });

  it('answers every one of many bad requests and stays healthy', async () => {
    const answers = await Promise.all(Array.from({ length: 100 }, (_, index) => chat(`gpt-🔑${index}`).then(async (response) => (await response.arrayBuffer(), response.status))));
    expect(new Set(answers)).toEqual(new Set([400]));
    expect((await fetch(`${gateway.address}/healthz`)).status).toBe(200);
    const good = await chat('gpt-5');
    expect(good.status).toBe(200);
    expect(good.headers.get('x-switchboard-route')).toContain('target=mock/5');
    await good.arrayBuffer();
  });

  it('percent-encodes a route header whose target is not ASCII instead of failing the response', async () => {
    const response = await anthropic('wide-4');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchboard-route')).toContain(`target=mock/${encodeURIComponent('模型')}-4`);
    expect(await response.json()).toMatchObject({ type: 'message' });
  });
});

describe('a response head that cannot be written', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((_request, response) => {
      const client = new HttpClientResponse(response, {});
      client.startStream({ 'x-request-id': 'req-🔑' });
      void client.write('data: never\n\n');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('closes the client connection rather than leaving it open with nothing sent', async () => {
    await expect(fetch(url)).rejects.toThrow();
  });
});

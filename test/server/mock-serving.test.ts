import { connect } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { responseText } from '../helpers/response-text.js';
import { adminHeaders, baseConfig, makeTempDir, testSecrets, writeConfig } from '../helpers/test-config.js';

describe('serving from the built-in mock provider', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: RunningGateway;
  let url: string;

  beforeAll(async () => {
    temp = await makeTempDir();
    await writeConfig(
      temp.dir,
      baseConfig({ mock: { format: 'mock' } }, {
        rules: [
          { model: 'claude-sonnet-4-5', to: 'mock/sonnet-echo' },
          { model_regex: '^gpt-(.*)$', to: 'mock/echo-$1' },
        ],
      }),
    );
    gateway = await startInProcess(temp.dir);
    url = gateway.address;
  });
  afterAll(async () => {
    await gateway.stop();
    await temp.remove();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('answers the Anthropic SDK, non-streaming and streaming, echoing the question', async () => {
    const client = new Anthropic({ apiKey: testSecrets.alice, baseURL: `${url}/anthropic` });
    const message = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'ping one' }] });
    expect(message.model).toBe('claude-sonnet-4-5');
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Mock answer from sonnet-echo. You said: ping one' });
    expect(message.stop_reason).toBe('end_turn');

    const stream = client.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'ping two' }] });
    const deltas: string[] = [];
    stream.on('text', (text) => deltas.push(text));
    const final = await stream.finalMessage();
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join('')).toBe('Mock answer from sonnet-echo. You said: ping two');
    expect(final.content[0]).toMatchObject({ type: 'text', text: deltas.join('') });
  });

  it('answers the OpenAI SDK on chat completions and the Responses API, with regex captures in the target', async () => {
    const client = new OpenAI({ apiKey: testSecrets.alice, baseURL: `${url}/v1` });
    const completion = await client.chat.completions.create({ model: 'gpt-5', messages: [{ role: 'user', content: 'chat hi' }] });
    expect(completion.model).toBe('gpt-5');
    expect(completion.choices[0]!.message.content).toBe('Mock answer from echo-5. You said: chat hi');

    const chatStream = client.chat.completions.stream({ model: 'gpt-5', messages: [{ role: 'user', content: 'chat stream' }] });
    const chatFinal = await chatStream.finalChatCompletion();
    expect(chatFinal.choices[0]!.message.content).toBe('Mock answer from echo-5. You said: chat stream');

    const response = await client.responses.create({ model: 'gpt-5', input: 'responses hi' });
    expect(responseText(response)).toBe('Mock answer from echo-5. You said: responses hi');
    const responseStream = client.responses.stream({ model: 'gpt-5', input: 'responses stream' });
    const responseFinal = await responseStream.finalResponse();
    expect(responseText(responseFinal)).toBe('Mock answer from echo-5. You said: responses stream');
    expect(responseFinal.status).toBe('completed');
  });

  it('names the route, config version and request id on every answer', async () => {
    const response = await post('/anthropic/v1/messages?beta=true', { model: 'claude-sonnet-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }, { 'x-api-key': testSecrets.alice });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchboard-route')).toBe('profile=main; rule=0; target=mock/sonnet-echo');
    expect(response.headers.get('x-switchboard-config')).toBe(gateway.state.store.current.version);
    expect(response.headers.get('x-switchboard-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('accepts Authorization: Bearer, the /v1/messages alias, and a permitted profile header', async () => {
    const body = { model: 'claude-sonnet-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] };
    const bearer = await post('/v1/messages', body, { authorization: `Bearer ${testSecrets.alice}` });
    expect(bearer.status).toBe(200);
    const alt = await post('/anthropic/v1/messages', body, { 'x-api-key': testSecrets.alice, 'x-switchboard-profile': 'alt' });
    expect(alt.status).toBe(200);
    expect(alt.headers.get('x-switchboard-route')).toBe('profile=alt; rule=default; target=mock/alt-echo');
  });

  it('refuses bad keys and profiles in the Anthropic error format with 401/403', async () => {
    const body = { model: 'claude-sonnet-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] };
    const cases: Array<[Record<string, string>, number, string, string]> = [
      [{}, 401, 'authentication_error', 'no API key'],
      [{ 'x-api-key': 'sb-wrong' }, 401, 'authentication_error', 'invalid API key'],
      [{ 'x-api-key': testSecrets.carol }, 403, 'permission_error', '"carol" is disabled'],
      [{ 'x-api-key': testSecrets.bob, 'x-switchboard-profile': 'main' }, 403, 'permission_error', 'may not use profile "main"'],
    ];
    for (const [headers, status, type, message] of cases) {
      const response = await post('/anthropic/v1/messages', body, headers);
      expect(response.status).toBe(status);
      const error = (await response.json()) as { type: string; error: { type: string; message: string } };
      expect(error.type).toBe('error');
      expect(error.error.type).toBe(type);
      expect(error.error.message).toContain(message);
    }
  });

  it('refuses in the OpenAI error format on /v1, and names profile and model when no rule matches', async () => {
    const unauthorized = await post('/v1/chat/completions', { model: 'gpt-5', messages: [] });
    expect(unauthorized.status).toBe(401);
    expect(((await unauthorized.json()) as { error: { message: string } }).error.message).toContain('no API key');

    const unmatched = await post('/v1/responses', { model: 'llama-3', input: 'x' }, { authorization: `Bearer ${testSecrets.alice}` });
    expect(unmatched.status).toBe(404);
    const error = (await unmatched.json()) as { error: { message: string; type: string } };
    expect(error.error.message).toBe('model "llama-3" matches no rule of profile "main", and the profile has no default');

    const anthropicUnmatched = await post('/anthropic/v1/messages', { model: 'claude-2', max_tokens: 1, messages: [] }, { 'x-api-key': testSecrets.alice });
    expect(anthropicUnmatched.status).toBe(404);
    expect(((await anthropicUnmatched.json()) as { error: { type: string } }).error.type).toBe('not_found_error');
  });

  it('answers bad bodies with 400/413/415 in the caller format', async () => {
    const auth = { 'x-api-key': testSecrets.alice };
    const malformed = await post('/anthropic/v1/messages', '{"model": ', auth);
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');

    const noModel = await post('/v1/chat/completions', { messages: [] }, { authorization: `Bearer ${testSecrets.alice}` });
    expect(noModel.status).toBe(400);
    expect(((await noModel.json()) as { error: { message: string } }).error.message).toContain('model');

    const wrongType = await fetch(`${url}/anthropic/v1/messages`, { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: 'hello' });
    expect(wrongType.status).toBe(415);

    const invalidUtf8 = await fetch(`${url}/anthropic/v1/messages`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) });
    expect(invalidUtf8.status).toBe(400);

    const huge = await post('/anthropic/v1/messages', { model: 'claude-sonnet-4-5', max_tokens: 1, messages: [{ role: 'user', content: 'x'.repeat(33 * 1024 * 1024) }] }, auth);
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: { type: string } }).error.type).toBe('request_too_large');

    // The same without content-length (chunked): the gateway stops reading at the 32 MiB limit and answers 413,
    // while the client still has most of its 200 MiB to send.
    let sentMiB = 0;
    const answer = await new Promise<string>((resolve) => {
      const address = new URL(url);
      const socket = connect(Number(address.port), address.hostname);
      let received = '';
      socket.on('data', (data) => (received += data.toString()));
      socket.on('close', () => resolve(received));
      socket.on('error', () => undefined);
      socket.write(`POST /anthropic/v1/messages HTTP/1.1\r\nHost: x\r\nx-api-key: ${testSecrets.alice}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n`);
      const chunk = `100000\r\n${'x'.repeat(0x100000)}\r\n`;
      const pump = (): void => {
        while (sentMiB < 200 && received === '' && !socket.destroyed) {
          sentMiB++;
          if (!socket.write(chunk)) return void socket.once('drain', pump);
        }
      };
      pump();
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toContain('"type":"request_too_large"');
    expect(sentMiB).toBeLessThan(100);
  });

  it('answers Claude Code\'s connection probe (the model lists are in model-lists.test.ts)', async () => {
    expect((await fetch(`${url}/anthropic/api/hello`, { method: 'HEAD' })).status).toBe(200);
  });

  it('reports health, readiness and status', async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const status = (await (await fetch(`${url}/status`, { headers: adminHeaders })).json()) as { config: { version: string; loaded_at: string } };
    expect(status.config.version).toBe(gateway.state.store.current.version);
    expect(Date.parse(status.config.loaded_at)).not.toBeNaN();
  });
});

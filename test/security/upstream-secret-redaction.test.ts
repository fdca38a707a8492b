import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import { renderTrace } from '../../src/traces/render-trace.js';
import type { TraceRecord } from '../../src/traces/trace-record.js';
import { FakeProvider, sse, type RecordedRequest } from '../helpers/fake-provider.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { baseConfig, makeTempDir, testSecrets, writeConfig } from '../helpers/test-config.js';
import { anthropicTextStream, chatChunk } from '../helpers/wire-transcripts.js';

const anthropicSecret = 'sk-ant-provider-secret-0f9e8d7c6b5a';
const chatSecret = 'sk-chat-provider-secret-1a2b3c4d5e6f';
const orgToken = 'org-token-secret-77aa88bb99cc';
const secrets = [anthropicSecret, chatSecret, orgToken];

/** What a misconfigured proxy puts in its error text: every header it received, credentials included. */
function echoedHeaders(request: RecordedRequest): string {
  return `proxy refused: x-api-key=${String(request.headers['x-api-key'])} authorization=${String(request.headers.authorization)} x-org-token=${String(request.headers['x-org-token'])}`;
}

/**
 * An upstream (or a proxy in front of it) that echoes the request headers in
 * its error text must not turn the gateway into a credential oracle: not in
 * the answer to the client, on any path, and not in the trace line.
 */
describe('provider credentials echoed by an upstream', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: RunningGateway;
  const anthropic = new FakeProvider();
  const chat = new FakeProvider();
  const tracesDir = (): string => path.join(temp.dir, 'traces');

  beforeAll(async () => {
    await Promise.all([anthropic.start(), chat.start()]);
    process.env.SB_REDACT_ANTHROPIC_KEY = anthropicSecret;
    process.env.SB_REDACT_CHAT_KEY = chatSecret;
    process.env.SB_REDACT_ORG_TOKEN = orgToken;
    temp = await makeTempDir();
    const once = { retry: { max_retries: 0 } };
    await writeConfig(
      temp.dir,
      baseConfig(
        {
          claude: { format: 'anthropic', base_url: anthropic.url, api_key: '${SB_REDACT_ANTHROPIC_KEY}', headers: { 'x-org-token': '${SB_REDACT_ORG_TOKEN}' }, ...once },
          chat: { format: 'openai-chat', base_url: chat.url, api_key: '${SB_REDACT_CHAT_KEY}', ...once },
        },
        { rules: [{ model: 'claude-sonnet-4-5', to: 'claude/claude-sonnet-4-5' }, { model: 'to-chat', to: 'chat/deepseek-chat' }] },
        path.join(temp.dir, 'traces'),
      ),
    );
    gateway = await startInProcess(temp.dir);
  });
  afterAll(async () => {
    await gateway.stop();
    await Promise.all([anthropic.close(), chat.close()]);
    await temp.remove();
  });

  const ask = async (model: string, stream: boolean): Promise<{ status: number; id: string; text: string }> => {
    const response = await fetch(`${gateway.address}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': testSecrets.alice },
      body: JSON.stringify({ model, max_tokens: 20, stream, messages: [{ role: 'user', content: 'hi' }] }),
    });
    return { status: response.status, id: response.headers.get('x-switchboard-request-id')!, text: await response.text() };
  };

  /** The request's trace line as written, and as `switchboard traces show --full` renders it. */
  const traced = async (id: string): Promise<{ line: string; shown: string }> => {
    await gateway.traces.flush();
    const line = (await readFile(path.join(tracesDir(), 'traces.jsonl'), 'utf8')).split('\n').find((entry) => entry.includes(`"id":"${id}"`));
    expect(line, `trace line of ${id}`).toBeDefined();
    return { line: line!, shown: renderTrace(JSON.parse(line!) as TraceRecord, { full: true }) };
  };

  const expectNoSecret = (...texts: string[]): void => {
    for (const text of texts) for (const secret of secrets) expect(text).not.toContain(secret);
  };

  const cases: Array<{ name: string; model: string; stream: boolean; script: () => void; status: number }> = [
    {
      name: 'a JSON error body (passthrough)',
      model: 'claude-sonnet-4-5',
      stream: false,
      status: 400,
      script: () => anthropic.reply((request) => ({ kind: 'json', status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: echoedHeaders(request) } } })),
    },
    {
      name: 'a JSON error body (translated)',
      model: 'to-chat',
      stream: false,
      status: 400,
      script: () => chat.reply((request) => ({ kind: 'json', status: 400, body: { error: { message: echoedHeaders(request), type: 'invalid_request_error' } } })),
    },
    {
      name: 'a text error body',
      model: 'claude-sonnet-4-5',
      stream: false,
      status: 400,
      script: () => anthropic.reply((request) => ({ kind: 'sse', status: 400, headers: { 'content-type': 'text/plain' }, frames: [echoedHeaders(request)] })),
    },
    {
      name: 'an error as the first stream event',
      model: 'claude-sonnet-4-5',
      stream: true,
      status: 400,
      script: () => anthropic.reply((request) => ({ kind: 'sse', frames: [sse({ type: 'error', error: { type: 'invalid_request_error', message: echoedHeaders(request) } }, 'error')] })),
    },
    {
      name: 'an error in the middle of a stream (passthrough)',
      model: 'claude-sonnet-4-5',
      stream: true,
      status: 200,
      script: () =>
        anthropic.reply((request) => ({
          kind: 'sse',
          frames: [...anthropicTextStream('claude-sonnet-4-5', ['Hel', 'lo']).slice(0, 4), sse({ type: 'error', error: { type: 'api_error', message: echoedHeaders(request) } }, 'error')],
        })),
    },
    {
      name: 'an error in the middle of a stream (translated)',
      model: 'to-chat',
      stream: true,
      status: 200,
      script: () =>
        chat.reply((request) => ({
          kind: 'sse',
          frames: [sse(chatChunk('deepseek-chat', { role: 'assistant', content: 'Hel' })), sse({ error: { message: echoedHeaders(request), type: 'server_error' } })],
        })),
    },
  ];

  for (const { name, model, stream, script, status } of cases) {
    it(`never relays or traces them from ${name}`, async () => {
      script();
      const answer = await ask(model, stream);
      expect(answer.status).toBe(status);
      // The provider's words stay, so the user can still tell what went wrong; only the secrets go.
      expect(answer.text).toContain('proxy refused: x-api-key=');
      const { line, shown } = await traced(answer.id);
      expect(line).toContain('proxy refused');
      expectNoSecret(answer.text, line, shown);
    });
  }

  it('answers an upstream 401 or 403 with what happened, not with the provider text', async () => {
    for (const status of [401, 403]) {
      anthropic.reply((request) => ({ kind: 'json', status, body: { type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key ${String(request.headers['x-api-key'])}` } } }));
      const answer = await ask('claude-sonnet-4-5', false);
      expect(answer.status).toBe(status);
      const body = JSON.parse(answer.text) as { type: string; error: { type: string; message: string } };
      expect(body).toMatchObject({ type: 'error', error: { message: `the gateway's credential for provider "claude" was refused (HTTP ${status})` } });
      const { line, shown } = await traced(answer.id);
      expect(line).not.toContain('invalid x-api-key');
      expectNoSecret(answer.text, line, shown);
    }
    chat.reply(() => ({ kind: 'json', status: 401, body: { error: { message: `Incorrect API key provided: ${chatSecret}`, type: 'invalid_request_error', code: 'invalid_api_key' } } }));
    const response = await fetch(`${gateway.address}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${testSecrets.alice}` },
      body: JSON.stringify({ model: 'to-chat', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toBe(`the gateway's credential for provider "chat" was refused (HTTP 401)`);
  });
});

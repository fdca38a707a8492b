import OpenAI from 'openai';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import { FakeProvider } from '../helpers/fake-provider.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { readCapture, sendableHeaders } from '../helpers/real-client-capture.js';
import { readTraceRecords } from '../helpers/trace-lines.js';
import { baseConfig, makeTempDir, testSecrets, writeConfig } from '../helpers/test-config.js';
import { anthropicMessage, chatCompletion, responsesResponse } from '../helpers/wire-transcripts.js';

describe('prompt caching survives the gateway', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: RunningGateway;
  let tracesDir: string;
  const anthropic = new FakeProvider();
  const chat = new FakeProvider();
  const strictChat = new FakeProvider();
  const responses = new FakeProvider();
  const codex = readCapture('codex-request-1.json');

  beforeAll(async () => {
    await Promise.all([anthropic.start(), chat.start(), strictChat.start(), responses.start()]);
    anthropic.reply((request) => ({ kind: 'json', body: anthropicMessage(String(request.body.model), 'ok') }));
    chat.reply((request) => ({ kind: 'json', body: chatCompletion(String(request.body.model), 'ok') }));
    // A server that refuses fields it does not know, as Mistral's API does.
    strictChat.reply((request) =>
      'prompt_cache_key' in request.body ? { kind: 'json', status: 422, body: { detail: [{ type: 'extra_forbidden', loc: ['body', 'prompt_cache_key'] }] } } : { kind: 'json', body: chatCompletion(String(request.body.model), 'ok') },
    );
    responses.reply((request) => ({ kind: 'json', body: responsesResponse(String(request.body.model), 'ok') }));
    temp = await makeTempDir();
    tracesDir = path.join(temp.dir, 'traces');
    const fast = { retry: { max_retries: 0 } };
    await writeConfig(
      temp.dir,
      baseConfig(
        {
          anth: { format: 'anthropic', base_url: anthropic.url, ...fast },
          chat: { format: 'openai-chat', base_url: chat.url, ...fast },
          strict: { format: 'openai-chat', base_url: strictChat.url, prompt_cache_key: false, ...fast },
          resp: { format: 'openai-responses', base_url: responses.url, ...fast },
        },
        {
          rules: [
            { model: 'to-anthropic', to: 'anth/claude-x' },
            { model: 'to-chat', to: 'chat/gpt-x' },
            { model: 'to-strict', to: 'strict/mistral-x' },
            { model: 'to-responses', to: 'resp/gpt-x' },
          ],
        },
        tracesDir,
      ),
    );
    gateway = await startInProcess(temp.dir);
  });
  afterAll(async () => {
    await gateway.stop();
    await Promise.all([anthropic.close(), chat.close(), strictChat.close(), responses.close()]);
    await temp.remove();
  });

  const sendCodex = async (model: string): Promise<Response> => {
    const response = await fetch(`${gateway.address}/v1/responses`, { method: 'POST', headers: sendableHeaders(codex, testSecrets.alice), body: JSON.stringify({ ...codex.body, model, stream: false }) });
    await response.text();
    return response;
  };

  it("Codex's prompt_cache_key (its session id) reaches Responses and Chat providers", async () => {
    expect(codex.body.prompt_cache_key).toBe('01a20c93-a73a-7a71-981e-90f70867244e');
    expect((await sendCodex('to-responses')).status).toBe(200);
    expect((await sendCodex('to-chat')).status).toBe(200);
    expect(responses.requests.at(-1)!.body.prompt_cache_key).toBe('01a20c93-a73a-7a71-981e-90f70867244e');
    expect(chat.requests.at(-1)!.body.prompt_cache_key).toBe('01a20c93-a73a-7a71-981e-90f70867244e');
  });

  it('a chat provider with prompt_cache_key: false gets none, and answers', async () => {
    expect((await sendCodex('to-strict')).status).toBe(200);
    expect(strictChat.requests.at(-1)!.body).not.toHaveProperty('prompt_cache_key');
  });

  it('an Anthropic provider gets none (it caches at cache_control breakpoints)', async () => {
    expect((await sendCodex('to-anthropic')).status).toBe(200);
    expect(anthropic.requests.at(-1)!.body).not.toHaveProperty('prompt_cache_key');
  });

  it('a chat client\'s prompt_cache_key reaches a Responses provider', async () => {
    const client = new OpenAI({ apiKey: testSecrets.alice, baseURL: `${gateway.address}/v1`, maxRetries: 0 });
    await client.chat.completions.create({ model: 'to-responses', messages: [{ role: 'user', content: 'hi' }], prompt_cache_key: 'team-cache-7' });
    expect(responses.requests.at(-1)!.body.prompt_cache_key).toBe('team-cache-7');
  });

  const cachedRequest = {
    model: 'to-anthropic',
    max_tokens: 256,
    system: [
      { type: 'text', text: 'You are a coding agent.', cache_control: { type: 'ephemeral', ttl: '1h', scope: 'global' } },
      { type: 'text', text: 'Project notes.', cache_control: { type: 'ephemeral' } },
    ],
    tools: [{ name: 'Bash', description: 'Run a command', input_schema: { type: 'object', properties: { command: { type: 'string' } } }, cache_control: { type: 'ephemeral', ttl: '1h' } }],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral', ttl: '5m' } }] }],
  };

  it('passes cache_control (ttl 1h, scope) to an Anthropic provider byte for byte', async () => {
    // Spacing and field order a re-serialisation would change.
    const raw = JSON.stringify(cachedRequest, null, 1);
    const response = await fetch(`${gateway.address}/anthropic/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': testSecrets.alice }, body: raw });
    expect(response.status).toBe(200);
    expect(anthropic.requests.at(-1)!.rawBody).toBe(raw.replace('"to-anthropic"', '"claude-x"'));
  });

  it('drops cache_control for OpenAI-format providers and says so in the trace line', async () => {
    const ids: Record<string, string> = {};
    for (const model of ['to-chat', 'to-responses']) {
      const response = await fetch(`${gateway.address}/anthropic/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': testSecrets.alice }, body: JSON.stringify({ ...cachedRequest, model }) });
      expect(response.status).toBe(200);
      ids[model] = response.headers.get('x-switchboard-request-id')!;
    }
    expect(chat.requests.at(-1)!.rawBody).not.toContain('cache_control');
    expect(responses.requests.at(-1)!.rawBody).not.toContain('cache_control');
    await gateway.stop();
    const records = await readTraceRecords(tracesDir);
    expect(records.get(ids['to-chat']!)!.warnings).toContain('unsupported cache_control: 4 cache_control breakpoint(s) dropped (2 with ttl 1h): Chat Completions caches prompt prefixes on its own');
    expect(records.get(ids['to-responses']!)!.warnings).toContain('unsupported cache_control: 4 cache_control breakpoint(s) dropped (2 with ttl 1h): the Responses API caches prompt prefixes on its own');
    gateway = await startInProcess(temp.dir);
  });
});

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import { FakeProvider, sse } from '../helpers/fake-provider.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { baseConfig, makeTempDir, testSecrets, writeConfig } from '../helpers/test-config.js';
import { chatChunk, chatTextStream, chatTurnCompletion } from '../helpers/wire-transcripts.js';

/** Faults of a chat-format provider behind an Anthropic client: every one must reach the client as an error in its own format. */
describe('upstream faults on a translated route', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: RunningGateway;
  const upstream = new FakeProvider();

  beforeAll(async () => {
    await upstream.start();
    temp = await makeTempDir();
    await writeConfig(temp.dir, baseConfig({ chat: { format: 'openai-chat', base_url: upstream.url, retry: { max_retries: 0 }, timeouts: { first_byte_ms: 500, idle_ms: 500 } } }, { rules: [], default: 'chat/deepseek-chat' }));
    gateway = await startInProcess(temp.dir);
  });
  afterAll(async () => {
    await gateway.stop();
    await upstream.close();
    await temp.remove();
  });

  const ask = async (stream: boolean): Promise<{ status: number; text: string }> => {
    const response = await fetch(`${gateway.address}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': testSecrets.alice },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 50, stream, messages: [{ role: 'user', content: 'x' }] }),
    });
    return { status: response.status, text: await response.text() };
  };
  const lastEvent = (text: string): string => text.trimEnd().split('\n\n').at(-1)!;

  it('a 200 whose body is not JSON is a 502 in the Anthropic format', async () => {
    upstream.reply(() => ({ kind: 'sse', headers: { 'content-type': 'application/json' }, frames: ['{"id": "chatcmpl-1", "choices": [ oops'] }));
    const answer = await ask(false);
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.text)).toMatchObject({ type: 'error', error: { type: 'api_error' } });
  });

  it('a provider that answers a stream request with one JSON body is still streamed to the client', async () => {
    upstream.reply(() => ({ kind: 'json', body: chatTurnCompletion('deepseek-chat', { text: 'whole answer' }) }));
    const client = new Anthropic({ apiKey: testSecrets.alice, baseURL: `${gateway.address}/anthropic`, maxRetries: 0 });
    const message = await client.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).finalMessage();
    expect(message.content).toMatchObject([{ type: 'text', text: 'whole answer' }]);
    expect(message.stop_reason).toBe('end_turn');
  });

  it('a malformed event in the middle of a stream ends it with an error event', async () => {
    upstream.reply(() => ({ kind: 'sse', frames: [sse(chatChunk('deepseek-chat', { role: 'assistant', content: 'Hi' })), 'data: {"choices": [\n\n', ...chatTextStream('deepseek-chat', ['never'])], delayMs: 5 }));
    const answer = await ask(true);
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('"text":"Hi"');
    expect(lastEvent(answer.text)).toMatch(/^event: error\n/);
    expect(answer.text).not.toContain('never');
  });

  it('a stream that ends without [DONE] or a finish reason ends with an error event, not message_stop', async () => {
    upstream.reply(() => ({ kind: 'sse', frames: chatTextStream('deepseek-chat', ['one', 'two']).slice(0, 3), delayMs: 5 }));
    const answer = await ask(true);
    expect(answer.text).toContain('"text":"two"');
    expect(answer.text).not.toContain('message_stop');
    expect(lastEvent(answer.text)).toMatch(/^event: error\n/);
    const client = new Anthropic({ apiKey: testSecrets.alice, baseURL: `${gateway.address}/anthropic`, maxRetries: 0 });
    await expect(client.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).finalMessage()).rejects.toThrow();
  });

  it('a connection reset mid-stream ends the stream with an error event', async () => {
    upstream.reply(() => ({ kind: 'sse', frames: chatTextStream('deepseek-chat', ['a', 'b', 'c', 'd']), breakAfter: 3 }));
    const answer = await ask(true);
    expect(answer.text).toContain('"text":"a"');
    expect(lastEvent(answer.text)).toMatch(/^event: error\n/);
  });

  it('an upstream that hangs mid-stream ends the stream with a timeout error event', async () => {
    upstream.reply(() => ({ kind: 'sse', frames: chatTextStream('deepseek-chat', ['a', 'b', 'c']), hangAfter: 2 }));
    const answer = await ask(true);
    expect(lastEvent(answer.text)).toMatch(/^event: error\ndata: .*timeout_error/);
  });

  it('an upstream that hangs before its headers is a 504', async () => {
    upstream.reply(() => ({ kind: 'hang' }));
    const answer = await ask(true);
    expect(answer.status).toBe(504);
    expect(JSON.parse(answer.text)).toMatchObject({ type: 'error', error: { type: 'timeout_error' } });
  });
});

describe('request bodies nested too deeply to translate', () => {
  it('get a 400 in the client format, and the gateway stays healthy', async () => {
    const temp = await makeTempDir();
    const upstream = await new FakeProvider().start();
    await writeConfig(temp.dir, baseConfig({ chat: { format: 'openai-chat', base_url: upstream.url } }, { rules: [], default: 'chat/deepseek-chat' }));
    const gateway = await startInProcess(temp.dir);
    try {
      const nested = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
      const body = `{"model":"claude-sonnet-4-5","max_tokens":5,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"x"}]},{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"n","input":{"deep":${nested}}}]}]}`;
      const response = await fetch(`${gateway.address}/anthropic/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': testSecrets.alice }, body });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('nested too deeply') } });
      expect(upstream.requests).toHaveLength(0);
      expect((await fetch(`${gateway.address}/healthz`)).status).toBe(200);
    } finally {
      await gateway.stop();
      await upstream.close();
      await temp.remove();
    }
  });
});

describe('provider output limits on translated requests', () => {
  it('lowers the output limit to the provider ceiling, names it in the trace, and writes max_tokens for OpenAI-compatible servers', async () => {
    const temp = await makeTempDir();
    const upstream = await new FakeProvider().start();
    upstream.reply(() => ({ kind: 'json', body: chatTurnCompletion('deepseek-chat', { text: 'ok' }) }));
    const config = baseConfig({ chat: { format: 'openai-chat', base_url: upstream.url, max_output_tokens: 8192 }, openai: { format: 'openai-chat', base_url: upstream.url, max_tokens_field: 'max_completion_tokens' } }, { rules: [{ model: 'to-openai', to: 'openai/gpt-5' }], default: 'chat/deepseek-chat' }, path.join(temp.dir, 'traces'));
    await writeConfig(temp.dir, config);
    const gateway = await startInProcess(temp.dir);
    try {
      // Claude Code's sizes; the SDK itself refuses them without streaming, so plain fetch.
      const ask = (model: string): Promise<Response> =>
        fetch(`${gateway.address}/anthropic/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': testSecrets.alice }, body: JSON.stringify({ model, max_tokens: 32000, messages: [{ role: 'user', content: 'x' }] }) });
      expect((await ask('claude-sonnet-4-5')).status).toBe(200);
      expect(upstream.requests[0]!.body).toMatchObject({ max_tokens: 8192 });
      expect(upstream.requests[0]!.body.max_completion_tokens).toBeUndefined();
      expect((await ask('to-openai')).status).toBe(200);
      expect(upstream.requests[1]!.body).toMatchObject({ max_completion_tokens: 32000 });
    } finally {
      await gateway.stop();
      await upstream.close();
    }
    const line = JSON.parse((await readFile(path.join(temp.dir, 'traces', 'traces.jsonl'), 'utf8')).split('\n')[0]!) as { warnings: string[] };
    expect(line.warnings).toContain('compatibility max_tokens: 32000 lowered to 8192, the max_output_tokens of provider "chat"');
    await temp.remove();
  });
});

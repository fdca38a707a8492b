import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import { FakeProvider } from '../helpers/fake-provider.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { baseConfig, makeTempDir, testSecrets, writeConfig } from '../helpers/test-config.js';
import { anthropicTextStream, chatTextStream, responsesTextStream } from '../helpers/wire-transcripts.js';

/**
 * A provider that sends a frame that is not JSON in the middle of a stream of the client's own format.
 * Passthrough used to relay the frame and end the stream cleanly, and the official SDKs then threw a
 * raw SyntaxError. The stream must end with the format's error event, as translated routes do.
 */
describe('a malformed frame in a passthrough stream', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: RunningGateway;
  const anthropicUpstream = new FakeProvider();
  const chatUpstream = new FakeProvider();
  const responsesUpstream = new FakeProvider();
  const broken = 'data: {"type": oops\n\n';
  /** The frames with the malformed one spliced in after `keep` good frames. */
  const withBrokenFrame = (frames: string[], keep: number): string[] => [...frames.slice(0, keep), broken, ...frames.slice(keep)];

  beforeAll(async () => {
    await Promise.all([anthropicUpstream.start(), chatUpstream.start(), responsesUpstream.start()]);
    temp = await makeTempDir();
    await writeConfig(
      temp.dir,
      baseConfig(
        {
          anthropic: { format: 'anthropic', base_url: anthropicUpstream.url, retry: { max_retries: 0 } },
          chat: { format: 'openai-chat', base_url: chatUpstream.url, retry: { max_retries: 0 } },
          responses: { format: 'openai-responses', base_url: responsesUpstream.url, retry: { max_retries: 0 } },
        },
        { rules: [{ model: 'claude-sonnet-4-5', to: 'anthropic/claude-sonnet-4-5' }, { model: 'gpt-4o', to: 'chat/gpt-4o' }, { model: 'gpt-5', to: 'responses/gpt-5' }] },
      ),
    );
    gateway = await startInProcess(temp.dir);
    anthropicUpstream.reply(() => ({ kind: 'sse', frames: withBrokenFrame(anthropicTextStream('claude-sonnet-4-5', ['Hi', ' never']), 4), delayMs: 2 }));
    chatUpstream.reply(() => ({ kind: 'sse', frames: withBrokenFrame(chatTextStream('gpt-4o', ['Hi', ' never']), 2), delayMs: 2 }));
    responsesUpstream.reply(() => ({ kind: 'sse', frames: withBrokenFrame(responsesTextStream('gpt-5', ['Hi', ' never']), 5), delayMs: 2 }));
  });
  afterAll(async () => {
    await gateway.stop();
    await Promise.all([anthropicUpstream.close(), chatUpstream.close(), responsesUpstream.close()]);
    await temp.remove();
  });

  it('makes the Anthropic SDK throw its APIError with the gateway message', async () => {
    const client = new Anthropic({ apiKey: testSecrets.alice, baseURL: `${gateway.address}/anthropic`, maxRetries: 0 });
    const texts: string[] = [];
    const stream = client.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'x' }] }).on('text', (text) => texts.push(text));
    const error = await stream.finalMessage().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as Error).message).toContain('not a JSON object');
    expect(texts.join('')).toBe('Hi');
  });

  it('makes the OpenAI SDK throw its APIError on Chat Completions', async () => {
    const client = new OpenAI({ apiKey: testSecrets.alice, baseURL: `${gateway.address}/v1`, maxRetries: 0 });
    const texts: string[] = [];
    const error = await (async () => {
      const stream = await client.chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'x' }] });
      for await (const chunk of stream) texts.push(chunk.choices[0]?.delta.content ?? '');
    })().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toContain('not a JSON object');
    expect(texts.join('')).toBe('Hi');
  });

  it('makes the OpenAI SDK throw its APIError on the Responses API', async () => {
    const client = new OpenAI({ apiKey: testSecrets.alice, baseURL: `${gateway.address}/v1`, maxRetries: 0 });
    const error = await (async () => {
      const stream = await client.responses.create({ model: 'gpt-5', stream: true, input: 'x' });
      for await (const event of stream) void event;
    })().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toContain('malformed upstream event');
  });

  it('stops relaying at the malformed frame and ends with one error event', async () => {
    const response = await fetch(`${gateway.address}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': testSecrets.alice },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'x' }] }),
    });
    const text = await response.text();
    expect(text).not.toContain('oops');
    expect(text).not.toContain('never');
    expect(text.trimEnd().split('\n\n').at(-1)).toMatch(/^event: error\ndata: \{"type":"error","error":\{"type":"api_error"/);
    expect(text.match(/event: error/g)).toHaveLength(1);
  });
});

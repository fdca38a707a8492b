import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import { FakeProvider, sse } from '../helpers/fake-provider.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { baseConfig, makeTempDir, testSecrets, writeConfig } from '../helpers/test-config.js';
import { chatChunk, chatTurnStream } from '../helpers/wire-transcripts.js';

type Usage = Anthropic.Messages.Usage;

/**
 * The usage an Anthropic client reads from a translated stream: `message_start`
 * carries the input tokens (the gateway's estimate when the provider reports
 * usage only at the end), the final `message_delta` the provider's count,
 * split as Anthropic splits it (`input_tokens` without the cache reads).
 */
describe('usage in Anthropic streams on translated routes', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: RunningGateway;
  const provider = new FakeProvider();
  let client: Anthropic;

  beforeAll(async () => {
    await provider.start();
    temp = await makeTempDir();
    await writeConfig(
      temp.dir,
      baseConfig({ chat: { format: 'openai-chat', base_url: `${provider.url}/v1`, retry: { max_retries: 0 } } }, {
        rules: [
          { model: 'claude-via-mock', to: 'mock/echo' },
          { model_regex: '^claude-via-chat', to: 'chat/deepseek-chat' },
        ],
      }),
    );
    gateway = await startInProcess(temp.dir);
    client = new Anthropic({ apiKey: testSecrets.alice, baseURL: `${gateway.address}/anthropic` });
  });
  afterAll(async () => {
    await gateway.stop();
    await provider.close();
    await temp.remove();
  });

  const prompt = 'Summarise the plot of a long novel about a lighthouse keeper in three sentences. '.repeat(40);
  const system = 'You are a careful literary assistant.';

  /** Streams one request with the SDK; returns the usage of message_start and of the final message. */
  async function streamUsage(model: string): Promise<{ start: Usage; final: Usage }> {
    const stream = client.messages.stream({ model, max_tokens: 200, system, messages: [{ role: 'user', content: prompt }] });
    let start: Usage | undefined;
    stream.on('streamEvent', (event) => {
      // A copy: the SDK builds its final message from this object and updates its usage from message_delta.
      if (event.type === 'message_start') start = { ...event.message.usage };
    });
    const final = await stream.finalMessage();
    return { start: start!, final: final.usage };
  }

  it('the mock: message_start reports the estimated input tokens, and the end the same count', async () => {
    const { start, final } = await streamUsage('claude-via-mock');
    // The tokenizer estimate of count_tokens for the same request, as a yardstick for the quick estimate.
    const counted = await client.messages.countTokens({ model: 'claude-via-mock', system, messages: [{ role: 'user', content: prompt }] });
    expect(start.input_tokens).toBeGreaterThan(counted.input_tokens * 0.8);
    expect(start.input_tokens).toBeLessThan(counted.input_tokens * 1.25);
    expect(final.input_tokens).toBe(start.input_tokens);
    expect(final.output_tokens).toBeGreaterThan(0);
  });

  it('a Chat provider: the estimate first, then its own count with the cache reads split out', async () => {
    provider.reply((request) => ({ kind: 'sse', frames: chatTurnStream(String(request.body.model), { text: 'A keeper, a storm, a rescue.', usage: { input: 1234, cached: 1000, output: 9 } }) }));
    const { start, final } = await streamUsage('claude-via-chat');
    expect(start.input_tokens).toBeGreaterThan(100);
    expect(start.input_tokens).not.toBe(234);
    expect(final).toMatchObject({ input_tokens: 234, cache_read_input_tokens: 1000, cache_creation_input_tokens: 0, output_tokens: 9 });
  });

  it('a Chat provider that reports no usage: the estimate at the start and at the end, never 0', async () => {
    provider.reply((request) => {
      const model = String(request.body.model);
      return { kind: 'sse', frames: [sse(chatChunk(model, { role: 'assistant', content: 'No usage here.' })), sse(chatChunk(model, {}, 'stop')), 'data: [DONE]\n\n'] };
    });
    const { start, final } = await streamUsage('claude-via-chat-no-usage');
    expect(start.input_tokens).toBeGreaterThan(100);
    expect(final.input_tokens).toBe(start.input_tokens);
  });
});

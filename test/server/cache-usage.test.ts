import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import { FakeProvider, sse, type FakeReply, type RecordedRequest } from '../helpers/fake-provider.js';
import { oneProviderPerFormat } from '../helpers/format-providers.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { readTraceRecords } from '../helpers/trace-lines.js';
import { baseConfig, makeTempDir, testSecrets, writeConfig } from '../helpers/test-config.js';
import { anthropicMessage, anthropicTextStream, chatCompletion, chatTextStream, responsesResponse, responsesTextStream } from '../helpers/wire-transcripts.js';

/**
 * One prompt of 3 600 tokens: 3 000 read from the provider's cache, 500
 * written to it (Anthropic only: 200 for 5 minutes, 300 for an hour), 100
 * uncached; 50 output tokens. Each provider reports it in its own way.
 */
const anthropicUsage = { input_tokens: 100, cache_creation_input_tokens: 500, cache_read_input_tokens: 3000, cache_creation: { ephemeral_5m_input_tokens: 200, ephemeral_1h_input_tokens: 300 }, output_tokens: 50 };
const openaiChatUsage = { prompt_tokens: 3600, completion_tokens: 50, total_tokens: 3650, prompt_tokens_details: { cached_tokens: 3000 }, completion_tokens_details: { reasoning_tokens: 0 } };
// DeepSeek's own counters: hit + miss = prompt_tokens, no prompt_tokens_details.
const deepseekUsage = { prompt_tokens: 3600, completion_tokens: 50, total_tokens: 3650, prompt_cache_hit_tokens: 3000, prompt_cache_miss_tokens: 600 };
const responsesUsage = { input_tokens: 3600, input_tokens_details: { cached_tokens: 3000 }, output_tokens: 50, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 3650 };

type Upstream = 'anthropic' | 'openai-chat' | 'deepseek' | 'openai-responses';
const routeOf: Record<Upstream, string> = { anthropic: 'anth/claude-x', 'openai-chat': 'chat/gpt-x', deepseek: 'deepseek/deepseek-chat', 'openai-responses': 'resp/gpt-x' };

/** Rewrites each frame's JSON; `[DONE]` passes as it is. */
function patchFrames(frames: string[], patch: (data: Record<string, unknown>) => void): string[] {
  return frames.map((frame) => {
    const event = /^event: (.*)$/m.exec(frame)?.[1];
    const data = /^data: (.*)$/m.exec(frame)![1]!;
    if (data === '[DONE]') return frame;
    const parsed = JSON.parse(data) as Record<string, unknown>;
    patch(parsed);
    return sse(parsed, event);
  });
}

function reply(upstream: Upstream, request: RecordedRequest): FakeReply {
  const model = String(request.body.model);
  const stream = request.body.stream === true;
  switch (upstream) {
    case 'anthropic':
      if (!stream) return { kind: 'json', body: { ...anthropicMessage(model, 'cached'), usage: anthropicUsage } };
      return {
        kind: 'sse',
        frames: patchFrames(anthropicTextStream(model, ['cac', 'hed']), (data) => {
          if (data.type === 'message_start') (data.message as Record<string, unknown>).usage = { ...anthropicUsage, output_tokens: 1 };
          if (data.type === 'message_delta') data.usage = { output_tokens: 50 };
        }),
      };
    case 'openai-chat':
    case 'deepseek': {
      const usage = upstream === 'deepseek' ? deepseekUsage : openaiChatUsage;
      if (!stream) return { kind: 'json', body: { ...chatCompletion(model, 'cached'), usage } };
      return { kind: 'sse', frames: patchFrames(chatTextStream(model, ['cac', 'hed']), (data) => void (data.usage ? (data.usage = usage) : undefined)) };
    }
    case 'openai-responses':
      if (!stream) return { kind: 'json', body: { ...responsesResponse(model, 'cached'), usage: responsesUsage } };
      return {
        kind: 'sse',
        frames: patchFrames(responsesTextStream(model, ['cac', 'hed']), (data) => {
          if (data.type === 'response.completed') (data.response as Record<string, unknown>).usage = responsesUsage;
        }),
      };
  }
}

describe('prompt-cache token counts reach every client in its own usage format', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: RunningGateway;
  let tracesDir: string;
  const providers: Record<Upstream, FakeProvider> = { anthropic: new FakeProvider(), 'openai-chat': new FakeProvider(), deepseek: new FakeProvider(), 'openai-responses': new FakeProvider() };
  const anthropicClient = (): Anthropic => new Anthropic({ apiKey: testSecrets.alice, baseURL: `${gateway.address}/anthropic`, maxRetries: 0 });
  const openaiClient = (): OpenAI => new OpenAI({ apiKey: testSecrets.alice, baseURL: `${gateway.address}/v1`, maxRetries: 0 });

  beforeAll(async () => {
    await Promise.all(Object.values(providers).map((provider) => provider.start()));
    for (const upstream of Object.keys(providers) as Upstream[]) providers[upstream].reply((request) => reply(upstream, request));
    temp = await makeTempDir();
    tracesDir = path.join(temp.dir, 'traces');
    await writeConfig(
      temp.dir,
      baseConfig(
        {
          ...oneProviderPerFormat(providers),
          deepseek: { format: 'openai-chat', base_url: providers.deepseek.url, retry: { max_retries: 0 } },
        },
        { rules: (Object.keys(routeOf) as Upstream[]).map((upstream) => ({ model: `via-${upstream}`, to: routeOf[upstream] })) },
        tracesDir,
      ),
    );
    gateway = await startInProcess(temp.dir);
  });
  afterAll(async () => {
    await gateway.stop();
    await Promise.all(Object.values(providers).map((provider) => provider.close()));
    await temp.remove();
  });

  describe.each([false, true])('stream: %s', (stream) => {
    it.each(['openai-chat', 'deepseek', 'openai-responses'] as const)('Anthropic SDK client, %s provider: input_tokens without the cache, cache reads apart', async (upstream) => {
      const params = { model: `via-${upstream}`, max_tokens: 64, messages: [{ role: 'user' as const, content: 'hi' }] };
      const message = stream ? await anthropicClient().messages.stream(params).finalMessage() : await anthropicClient().messages.create(params);
      expect(message.usage.input_tokens).toBe(600);
      expect(message.usage.cache_read_input_tokens).toBe(3000);
      // OpenAI formats report no cache writes: they stay inside input_tokens, never guessed.
      expect(message.usage.cache_creation_input_tokens).toBe(0);
      expect(message.usage.output_tokens).toBe(50);
    });

    it.each(['anthropic', 'openai-responses'] as const)('OpenAI SDK chat client, %s provider: prompt_tokens with the cache, cached_tokens inside', async (upstream) => {
      const messages = [{ role: 'user' as const, content: 'hi' }];
      let usage: OpenAI.CompletionUsage | null | undefined;
      if (stream) {
        const chunks = await openaiClient().chat.completions.create({ model: `via-${upstream}`, messages, stream: true, stream_options: { include_usage: true } });
        for await (const chunk of chunks) if (chunk.usage) usage = chunk.usage;
      } else {
        usage = (await openaiClient().chat.completions.create({ model: `via-${upstream}`, messages })).usage;
      }
      // Anthropic's 500 written tokens are part of the prompt too.
      expect(usage?.prompt_tokens).toBe(3600);
      expect(usage?.prompt_tokens_details?.cached_tokens).toBe(3000);
      expect(usage?.completion_tokens).toBe(50);
      expect(usage?.total_tokens).toBe(3650);
    });

    it.each(['anthropic', 'openai-chat', 'deepseek'] as const)('OpenAI SDK Responses client, %s provider: input_tokens with the cache, cached_tokens inside', async (upstream) => {
      const params = { model: `via-${upstream}`, input: 'hi' };
      const response = stream ? await openaiClient().responses.stream(params).finalResponse() : await openaiClient().responses.create(params);
      expect(response.usage?.input_tokens).toBe(3600);
      expect(response.usage?.input_tokens_details.cached_tokens).toBe(3000);
      expect(response.usage?.output_tokens).toBe(50);
      expect(response.usage?.total_tokens).toBe(3650);
    });
  });

  it('an Anthropic client on passthrough gets the provider usage unchanged, 5-minute and 1-hour cache writes included', async () => {
    const streamed = await anthropicClient().messages.stream({ model: 'via-anthropic', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    const whole = await anthropicClient().messages.create({ model: 'via-anthropic', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] });
    for (const message of [streamed, whole]) {
      expect(message.usage).toMatchObject({ input_tokens: 100, cache_read_input_tokens: 3000, cache_creation_input_tokens: 500, output_tokens: 50 });
      expect(message.usage.cache_creation).toEqual({ ephemeral_5m_input_tokens: 200, ephemeral_1h_input_tokens: 300 });
    }
  });

  it('trace lines count every prompt token in input, with the cache read and write apart', async () => {
    const id = async (call: () => Promise<{ response: Response }>): Promise<string> => (await call()).response.headers.get('x-switchboard-request-id')!;
    const fromAnthropic = await id(() => openaiClient().responses.create({ model: 'via-anthropic', input: 'hi' }).withResponse());
    const fromDeepseek = await id(() => anthropicClient().messages.create({ model: 'via-deepseek', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] }).withResponse());
    await gateway.stop();
    const records = await readTraceRecords(tracesDir);
    expect(records.get(fromAnthropic)!.usage).toEqual({ input: 3600, output: 50, cache_read: 3000, cache_write: 500, reasoning: 0 });
    expect(records.get(fromDeepseek)!.usage).toEqual({ input: 3600, output: 50, cache_read: 3000, cache_write: 0, reasoning: 0 });
    gateway = await startInProcess(temp.dir);
  });
});

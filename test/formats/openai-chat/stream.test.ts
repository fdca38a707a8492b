import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { StreamPart } from '../../../src/canonical/stream.js';
import { openaiChatCodec } from '../../../src/formats/openai-chat/index.js';
import { contextFor, decodeTranscript, encodeParts, parseSse, readFixture, serveSse } from '../anthropic-messages/helpers.js';

const deepseekParts: StreamPart[] = [
  { type: 'response-start', id: '5b1f3c6e-8a2d-4e9f-b7c1-0d2e3f4a5b6c', model: 'deepseek-reasoner', providerData: { 'openai-chat': { created: 1738416000 } } },
  { type: 'reasoning-start', index: 0 },
  { type: 'reasoning-delta', index: 0, text: 'The user wants' },
  { type: 'reasoning-delta', index: 0, text: ' Paris and Tokyo.' },
  { type: 'reasoning-end', index: 0 },
  { type: 'text-start', index: 1 },
  { type: 'text-delta', index: 1, text: 'Checking both ' },
  { type: 'text-delta', index: 1, text: 'cities.' },
  { type: 'text-end', index: 1 },
  { type: 'tool-call-start', index: 2, id: 'call_0_5ef1a1b2', name: 'get_weather', kind: 'function' },
  { type: 'tool-call-delta', index: 2, inputDelta: '{"city": ' },
  { type: 'tool-call-delta', index: 2, inputDelta: '"Paris"}' },
  { type: 'tool-call-start', index: 3, id: 'call_1_9c3d4e5f', name: 'get_weather', kind: 'function' },
  { type: 'tool-call-delta', index: 3, inputDelta: '{"city": "Tok' },
  { type: 'tool-call-delta', index: 3, inputDelta: 'yo"}' },
  { type: 'tool-call-end', index: 2 },
  { type: 'tool-call-end', index: 3 },
  { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage: { inputTokens: 1320, outputTokens: 156, cacheReadTokens: 1024, reasoningTokens: 97 } },
];

describe('Chat Completions stream decoder', () => {
  it('reads a DeepSeek reasoner stream: reasoning_content, text, two tool calls by index, the usage chunk', () => {
    expect(decodeTranscript(openaiChatCodec, readFixture('openai-chat/stream-deepseek-reasoner-tools.sse'))).toEqual(deepseekParts);
  });

  it('reads an OpenAI text stream with usage: null chunks and the final usage chunk', () => {
    const parts = decodeTranscript(openaiChatCodec, readFixture('openai-chat/stream-openai-text.sse'));
    expect(parts.slice(1)).toEqual([
      { type: 'text-start', index: 0 },
      { type: 'text-delta', index: 0, text: 'Hello' },
      { type: 'text-delta', index: 0, text: '! How can I help?' },
      { type: 'text-end', index: 0 },
      { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: { inputTokens: 19, outputTokens: 10, cacheReadTokens: 0, reasoningTokens: 0 } },
    ]);
  });

  it('turns a stream cut before any finish_reason into an error part, after closing nothing it did not open', () => {
    const parts = decodeTranscript(openaiChatCodec, readFixture('openai-chat/stream-truncated.sse'));
    expect(parts.at(-1)).toEqual({ type: 'error', error: { type: 'api_error', message: 'the upstream stream ended without a finish_reason or [DONE]', code: 'SB_UPSTREAM_STREAM_BROKEN' } });
    expect(parts.filter((part) => part.type === 'finish' || part.type === 'error')).toHaveLength(1);
  });

  it('accepts a stream that has a finish_reason but no [DONE]', () => {
    const transcript = readFixture('openai-chat/stream-openai-text.sse').replace('data: [DONE]\n\n', '');
    expect(decodeTranscript(openaiChatCodec, transcript).at(-1)).toMatchObject({ type: 'finish', finishReason: { unified: 'stop' } });
  });

  it('turns an error chunk into an error part', () => {
    const parts = decodeTranscript(openaiChatCodec, 'data: {"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}}\n\n');
    expect(parts).toEqual([{ type: 'error', error: { type: 'api_error', message: 'The server had an error' } }]);
  });
});

describe('Chat Completions stream encoder', () => {
  const context = contextFor({ providerData: { 'openai-chat': { streamOptions: { include_usage: true } } } }, 'deepseek-reasoner');

  it('writes stable chunks, role first, tool calls with id/name then arguments, finish, usage, [DONE]', () => {
    const events = parseSse(encodeParts(openaiChatCodec, context, deepseekParts));
    expect(events.at(-1)!.data).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.data) as { id: string; created: number; model: string; choices: Array<{ delta: Record<string, unknown>; finish_reason: string | null }>; usage: unknown });
    expect(new Set(chunks.map((chunk) => `${chunk.id} ${chunk.created} ${chunk.model}`)).size).toBe(1);
    expect(chunks[0]!.id).toMatch(/^chatcmpl-/);
    expect(chunks[0]!.created).toBe(1738416000);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta ?? null)).toEqual([
      { role: 'assistant', content: '' },
      { reasoning_content: 'The user wants' },
      { reasoning_content: ' Paris and Tokyo.' },
      { content: 'Checking both ' },
      { content: 'cities.' },
      { tool_calls: [{ index: 0, id: 'call_0_5ef1a1b2', type: 'function', function: { name: 'get_weather', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"city": ' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] },
      { tool_calls: [{ index: 1, id: 'call_1_9c3d4e5f', type: 'function', function: { name: 'get_weather', arguments: '' } }] },
      { tool_calls: [{ index: 1, function: { arguments: '{"city": "Tok' } }] },
      { tool_calls: [{ index: 1, function: { arguments: 'yo"}' } }] },
      {},
      null,
    ]);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('tool_calls');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 1320, completion_tokens: 156, total_tokens: 1476, prompt_tokens_details: { cached_tokens: 1024 }, completion_tokens_details: { reasoning_tokens: 97 } } });
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
  });

  it('writes no usage chunk when the client did not ask for one', () => {
    const events = parseSse(encodeParts(openaiChatCodec, contextFor(), deepseekParts));
    expect(events.some((event) => event.data.includes('"usage"'))).toBe(false);
  });

  it('ends with an error chunk and no [DONE] on an error part', () => {
    const output = encodeParts(openaiChatCodec, context, [deepseekParts[0]!, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }]);
    expect(output.endsWith('data: {"error":{"message":"Overloaded","type":"server_error","param":null,"code":"service_unavailable"}}\n\n')).toBe(true);
    expect(output).not.toContain('[DONE]');
  });

  it('is read by the openai SDK into the final chat completion', async () => {
    const server = await serveSse(encodeParts(openaiChatCodec, context, deepseekParts));
    try {
      const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'test', maxRetries: 0 });
      const completion = await client.chat.completions.stream({ model: 'deepseek-reasoner', messages: [{ role: 'user', content: 'weather?' }], stream_options: { include_usage: true } }).finalChatCompletion();
      expect(completion.model).toBe('deepseek-reasoner');
      expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
      expect(completion.choices[0]!.message.content).toBe('Checking both cities.');
      expect(completion.choices[0]!.message.tool_calls).toEqual([
        { id: 'call_0_5ef1a1b2', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Paris"}' } },
        { id: 'call_1_9c3d4e5f', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Tokyo"}' } },
      ]);
      expect(completion.usage).toMatchObject({ prompt_tokens: 1320, completion_tokens: 156 });
    } finally {
      await server.close();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/errors/gateway-error.js';
import { openaiChatCodec } from '../../../src/formats/openai-chat/index.js';
import { contextFor, readJsonFixture } from '../anthropic-messages/helpers.js';

describe('Chat Completions responses', () => {
  it('round-trips a DeepSeek reasoning + tool call completion', () => {
    const body = readJsonFixture('openai-chat/response-reasoning-tools.json');
    const decoded = openaiChatCodec.decodeResponse(body);
    expect(decoded.content).toEqual([
      { type: 'reasoning', text: 'The user wants the weather in Paris. I should call get_weather.' },
      { type: 'text', text: 'Let me look that up.' },
      { type: 'tool-call', id: 'call_0_3b2f8c1d-7e6a-4f5b-9c8d-1a2b3c4d5e6f', name: 'get_weather', kind: 'function', input: '{"city": "Paris"}' },
    ]);
    expect(decoded.usage).toEqual({ inputTokens: 1320, outputTokens: 156, cacheReadTokens: 1024, reasoningTokens: 97 });
    expect(decoded.finishReason).toEqual({ unified: 'tool-calls', raw: 'tool_calls' });
    // The written message always carries `refusal`, as OpenAI's does.
    const expected = structuredClone(body) as { choices: Array<{ message: Record<string, unknown> }> };
    expected.choices[0]!.message = { ...expected.choices[0]!.message, refusal: null };
    expect(openaiChatCodec.encodeResponse(decoded, contextFor({}, 'deepseek-reasoner'))).toEqual(expected);
  });

  it('writes a chatcmpl- id when the source has none, the client model, and maps usage without double counting', () => {
    const encoded = openaiChatCodec.encodeResponse(
      { id: '', model: 'claude', content: [{ type: 'text', text: 'A' }, { type: 'text', text: 'B' }], finishReason: { unified: 'length', raw: 'max_tokens' }, usage: { inputTokens: 2640, outputTokens: 10, cacheReadTokens: 2048, cacheWriteTokens: 120 } },
      contextFor({}, 'gpt-4.1'),
    );
    expect(encoded).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4.1',
      choices: [{ index: 0, message: { role: 'assistant', content: 'AB', refusal: null }, logprobs: null, finish_reason: 'length' }],
      usage: { prompt_tokens: 2640, completion_tokens: 10, total_tokens: 2650, prompt_tokens_details: { cached_tokens: 2048 } },
    });
    expect(encoded.id).toMatch(/^chatcmpl-/);
  });

  it('encodes errors in OpenAI shape with the gateway code, and reads OpenAI error bodies', () => {
    expect(openaiChatCodec.encodeError(new GatewayError('SB_ROUTE_NO_MATCH', 'no route for model x'))).toEqual({ error: { message: 'no route for model x', type: 'invalid_request_error', param: null, code: 'SB_ROUTE_NO_MATCH' } });
    const relayed = new GatewayError('SB_UPSTREAM_HTTP', 'upstream failed', { status: 529, upstream: { provider: 'anthropic', status: 529, type: 'overloaded_error', message: 'Overloaded' } });
    expect(openaiChatCodec.encodeError(relayed)).toEqual({ error: { message: 'Overloaded', type: 'server_error', param: null, code: 'overloaded_error' } });
    expect(openaiChatCodec.encodeStreamError(relayed, 'm')).toBe('data: {"error":{"message":"Overloaded","type":"server_error","param":null,"code":"overloaded_error"}}\n\n');
    expect(openaiChatCodec.decodeErrorBody({ error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } })).toEqual({ type: 'rate_limit_exceeded', message: 'Rate limit reached' });
  });
});

import { describe, expect, it } from 'vitest';
import { openaiChatCodec } from '../../../src/formats/openai-chat/index.js';
import { readJsonFixture } from '../anthropic-messages/helpers.js';

describe('Chat Completions requests', () => {
  it('round-trips a DeepSeek tool-loop request exactly, without warnings', () => {
    const body = readJsonFixture('openai-chat/request-tool-loop.json');
    const decoded = openaiChatCodec.decodeRequest(body);
    expect(decoded.warnings).toEqual([]);
    const encoded = openaiChatCodec.encodeRequest(decoded.value, 'deepseek-reasoner');
    expect(encoded.warnings).toEqual([]);
    expect(encoded.value).toEqual(body);
  });

  it('reads leading system/developer messages as the system prompt and later ones as mid-history system turns', () => {
    const { value } = openaiChatCodec.decodeRequest(readJsonFixture('openai-chat/request-tool-loop.json'));
    expect(value.system.map((part) => part.text)).toEqual(['You are a helpful coding assistant.', 'Prefer TypeScript.']);
    expect(value.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'system', 'user']);
    expect(value.messages[0]!.content.map((part) => part.type)).toEqual(['text', 'image', 'image', 'document']);
    expect(value.messages[0]!.content[1]).toEqual({ type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: expect.any(String) }, detail: 'high' });
    expect(value.messages[1]!.content).toEqual([
      { type: 'reasoning', text: 'I need both cities; call get_weather twice.' },
      { type: 'tool-call', id: 'call_0_5ef1a1b2', name: 'get_weather', kind: 'function', input: '{"city": "Paris"}' },
      { type: 'tool-call', id: 'call_1_9c3d4e5f', name: 'get_weather', kind: 'function', input: '{"city": "Tokyo"}' },
    ]);
    expect(value.messages[2]!.content.map((part) => part.type)).toEqual(['tool-result', 'tool-result']);
    expect(value.maxOutputTokens).toBe(4096);
    expect(value.reasoning).toEqual({ enabled: true, effort: 'high' });
    expect(value.providerData?.['openai-chat']).toMatchObject({ extra: { seed: 42 }, streamOptions: { include_usage: true } });
  });

  it('reads `reasoning` (vLLM, OpenRouter) and writes it back to the same field', () => {
    const body = { model: 'm', messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello', reasoning: 'greet back' }] };
    const decoded = openaiChatCodec.decodeRequest(body).value;
    expect(decoded.messages[1]!.content[0]).toEqual({ type: 'reasoning', text: 'greet back' });
    expect(openaiChatCodec.encodeRequest(decoded, 'm').value).toEqual(body);
  });

  it('splits tool results into tool messages before the text, prefixes errors and asks for stream usage', () => {
    const encoded = openaiChatCodec.encodeRequest(
      {
        model: 'x',
        stream: true,
        system: [],
        messages: [
          { role: 'assistant', content: [{ type: 'tool-call', id: 'toolu_1', name: 'Bash', kind: 'function', input: '{"command":"ls"}' }] },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'and now?' },
              { type: 'tool-result', toolCallId: 'toolu_1', kind: 'function', isError: true, content: [{ type: 'text', text: 'permission denied' }] },
            ],
          },
        ],
        tools: [],
      },
      'deepseek-chat',
    );
    expect(encoded.value.messages).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'Bash', arguments: '{"command":"ls"}' } }] },
      { role: 'tool', tool_call_id: 'toolu_1', content: '[tool error] permission denied' },
      { role: 'user', content: 'and now?' },
    ]);
    expect(encoded.value.stream_options).toEqual({ include_usage: true });
    expect(encoded.warnings).toEqual([expect.objectContaining({ type: 'compatibility', path: 'messages[1].content[1].isError' })]);
  });

  it('never rejects unknown fields, and rejects bodies that cannot be requests', () => {
    expect(() => openaiChatCodec.decodeRequest({ model: 'm', messages: [{ role: 'user', content: 'hi' }], frobnicate: true })).not.toThrow();
    for (const body of [42, { model: 'm' }, { messages: ['hi'] }, { messages: [{ role: 'wizard', content: 'x' }] }, { messages: [{ role: 'tool', content: 'x' }] }]) {
      expect(() => openaiChatCodec.decodeRequest(body)).toThrowError(expect.objectContaining({ code: 'SB_REQUEST_INVALID' }));
    }
  });
});

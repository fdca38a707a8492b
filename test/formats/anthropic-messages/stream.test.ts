import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import type { StreamPart } from '../../../src/canonical/stream.js';
import { anthropicCodec } from '../../../src/formats/anthropic-messages/index.js';
import { contextFor, decodeTranscript, encodeParts, parseSse, readFixture, serveSse } from './helpers.js';

const signature = 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds';

describe('Anthropic stream decoder', () => {
  it('reads thinking, text and a tool call, skipping ping', () => {
    const parts = decodeTranscript(anthropicCodec, readFixture('anthropic-messages/stream-thinking-tool-use.sse'));
    expect(parts).toEqual<StreamPart[]>([
      { type: 'response-start', id: 'msg_01XFDUDYJgAACzvnptvVoYEL', model: 'claude-sonnet-4-5-20250929', usage: { inputTokens: 2520, outputTokens: 2, cacheReadTokens: 2048, cacheWriteTokens: 0 } },
      { type: 'reasoning-start', index: 0 },
      { type: 'reasoning-delta', index: 0, text: 'The user asks for the weather' },
      { type: 'reasoning-delta', index: 0, text: ' in Paris; call get_weather.' },
      { type: 'reasoning-signature', index: 0, signature: { format: 'anthropic', value: signature } },
      { type: 'reasoning-end', index: 0 },
      { type: 'text-start', index: 1 },
      { type: 'text-delta', index: 1, text: 'Let me check ' },
      { type: 'text-delta', index: 1, text: 'the weather.' },
      { type: 'text-end', index: 1 },
      { type: 'tool-call-start', index: 2, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', kind: 'function' },
      { type: 'tool-call-delta', index: 2, inputDelta: '{"location": "Par' },
      { type: 'tool-call-delta', index: 2, inputDelta: 'is, France", "unit": "c' },
      { type: 'tool-call-delta', index: 2, inputDelta: 'elsius"}' },
      { type: 'tool-call-end', index: 2 },
      { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_use' }, usage: { inputTokens: 2520, outputTokens: 89, cacheReadTokens: 2048, cacheWriteTokens: 0 } },
    ]);
  });

  it('turns a stream cut before message_stop into an error part', () => {
    const parts = decodeTranscript(anthropicCodec, readFixture('anthropic-messages/stream-truncated.sse'));
    expect(parts.at(-1)).toEqual({ type: 'error', error: { type: 'api_error', message: 'the upstream stream ended before message_stop', code: 'SB_UPSTREAM_STREAM_BROKEN' } });
    expect(parts.filter((part) => part.type === 'finish' || part.type === 'error')).toHaveLength(1);
  });

  it('turns event: error into an error part', () => {
    const parts = decodeTranscript(anthropicCodec, readFixture('anthropic-messages/stream-overloaded.sse'));
    expect(parts.at(-1)).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    expect(parts).toHaveLength(2);
  });
});

describe('Anthropic stream encoder', () => {
  it('re-encodes a decoded transcript to the same events (plus the usage Anthropic repeats at the end)', () => {
    const transcript = readFixture('anthropic-messages/stream-thinking-tool-use.sse');
    const parts = decodeTranscript(anthropicCodec, transcript);
    const output = encodeParts(anthropicCodec, contextFor({}, 'claude-sonnet-4-5-20250929'), parts);
    // Not carried: ping, the upstream's empty first input_json_delta, usage.service_tier. message_delta usage is written in full.
    const original = parseSse(transcript).filter((event) => event.event !== 'ping' && !event.data.includes('"partial_json":""'));
    const written = parseSse(output);
    expect(written.map((event) => event.event)).toEqual(original.map((event) => event.event));
    const expected = original.map((event) => JSON.parse(event.data) as Record<string, unknown>);
    const startMessage = expected[0]!.message as Record<string, unknown>;
    startMessage.usage = { input_tokens: 472, cache_creation_input_tokens: 0, cache_read_input_tokens: 2048, output_tokens: 2 };
    expected[expected.length - 2] = { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { input_tokens: 472, cache_creation_input_tokens: 0, cache_read_input_tokens: 2048, output_tokens: 89 } };
    expect(written.map((event) => JSON.parse(event.data) as unknown)).toEqual(expected);
  });

  it('closes one block before the next opens when canonical parts interleave', () => {
    const output = encodeParts(anthropicCodec, contextFor(), [
      { type: 'response-start', id: 'msg_x', model: 'm' },
      { type: 'tool-call-start', index: 0, id: 'call_a', name: 'a', kind: 'function' },
      { type: 'tool-call-start', index: 1, id: 'call_b', name: 'b', kind: 'function' },
      { type: 'tool-call-delta', index: 1, inputDelta: '{"y":' },
      { type: 'tool-call-delta', index: 0, inputDelta: '{"x":1}' },
      { type: 'tool-call-delta', index: 1, inputDelta: '2}' },
      { type: 'tool-call-end', index: 1 },
      { type: 'tool-call-end', index: 0 },
      { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_calls' } },
    ]);
    const events = parseSse(output).map((event) => JSON.parse(event.data) as { type: string; index?: number; delta?: { partial_json?: string } });
    expect(events.map((event) => `${event.type}${event.index === undefined ? '' : `@${event.index}`}${event.delta?.partial_json === undefined ? '' : `:${event.delta.partial_json}`}`)).toEqual([
      'message_start',
      'content_block_start@0',
      'content_block_delta@0:{"x":1}',
      'content_block_stop@0',
      'content_block_start@1',
      'content_block_delta@1:{"y":',
      'content_block_delta@1:2}',
      'content_block_stop@1',
      'message_delta',
      'message_stop',
    ]);
  });

  it('writes an error part as event: error', () => {
    const output = encodeParts(anthropicCodec, contextFor(), [
      { type: 'response-start', id: 'msg_x', model: 'm' },
      { type: 'error', error: { type: 'rate_limit_exceeded', message: 'slow down', status: 429 } },
      { type: 'finish', finishReason: { unified: 'stop' } },
    ]);
    expect(output.endsWith('event: error\ndata: {"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}\n\n')).toBe(true);
    expect(output).not.toContain('message_stop');
  });

  it('is read by @anthropic-ai/sdk into the final message', async () => {
    const parts = decodeTranscript(anthropicCodec, readFixture('anthropic-messages/stream-thinking-tool-use.sse'));
    const server = await serveSse(encodeParts(anthropicCodec, contextFor({}, 'claude-client-name'), parts));
    try {
      const client = new Anthropic({ baseURL: server.url, apiKey: 'test', maxRetries: 0 });
      const message = await client.messages.stream({ model: 'claude-client-name', max_tokens: 100, messages: [{ role: 'user', content: 'weather?' }] }).finalMessage();
      expect(message.model).toBe('claude-client-name');
      expect(message.stop_reason).toBe('tool_use');
      expect(message.content).toEqual([
        { type: 'thinking', thinking: 'The user asks for the weather in Paris; call get_weather.', signature },
        { type: 'text', text: 'Let me check the weather.' },
        { type: 'tool_use', id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', input: { location: 'Paris, France', unit: 'celsius' } },
      ]);
      expect(message.usage).toMatchObject({ input_tokens: 472, cache_read_input_tokens: 2048, output_tokens: 89 });
    } finally {
      await server.close();
    }
  });
});

describe('Anthropic server-tool blocks', () => {
  it('are skipped in streams, with later blocks renumbered, and dropped from whole responses', () => {
    const parts: StreamPart[] = [];
    const decoder = anthropicCodec.createStreamDecoder((part) => parts.push(part));
    const events: Array<[string, unknown]> = [
      ['message_start', { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 5, output_tokens: 1 } } }],
      ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} } }],
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"query":"x"}' } }],
      ['content_block_stop', { type: 'content_block_stop', index: 0 }],
      ['content_block_start', { type: 'content_block_start', index: 1, content_block: { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] } }],
      ['content_block_stop', { type: 'content_block_stop', index: 1 }],
      ['content_block_start', { type: 'content_block_start', index: 2, content_block: { type: 'text', text: '' } }],
      ['content_block_delta', { type: 'content_block_delta', index: 2, delta: { type: 'text_delta', text: 'Found it.' } }],
      ['content_block_stop', { type: 'content_block_stop', index: 2 }],
      ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 9 } }],
      ['message_stop', { type: 'message_stop' }],
    ];
    for (const [event, data] of events) decoder.push({ event, data: JSON.stringify(data) });
    decoder.end();
    expect(parts.filter((part) => part.type !== 'response-start' && part.type !== 'usage' && part.type !== 'finish')).toEqual([
      { type: 'text-start', index: 0 },
      { type: 'text-delta', index: 0, text: 'Found it.' },
      { type: 'text-end', index: 0 },
    ]);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: { unified: 'stop' } });

    const response = anthropicCodec.decodeResponse({
      id: 'msg_2',
      type: 'message',
      role: 'assistant',
      model: 'claude',
      content: [{ type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'x' } }, { type: 'text', text: 'Found it.' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 5, output_tokens: 9 },
    });
    expect(response.content).toEqual([{ type: 'text', text: 'Found it.' }]);
  });
});

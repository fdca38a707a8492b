import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/errors/gateway-error.js';
import { anthropicCodec } from '../../../src/formats/anthropic-messages/index.js';
import { contextFor, readJsonFixture } from './helpers.js';

describe('Anthropic responses', () => {
  it('round-trips a thinking + tool_use response', () => {
    const body = readJsonFixture('anthropic-messages/response-tool-use.json');
    const decoded = anthropicCodec.decodeResponse(body);
    expect(decoded.finishReason).toEqual({ unified: 'tool-calls', raw: 'tool_use' });
    // Canonical input tokens count cache reads and writes; Anthropic's exclude them.
    expect(decoded.usage).toEqual({ inputTokens: 472 + 120 + 2048, outputTokens: 89, cacheReadTokens: 2048, cacheWriteTokens: 120 });
    expect(decoded.content[2]).toEqual({ type: 'tool-call', id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', kind: 'function', input: '{"location":"San Francisco, CA","unit":"celsius"}' });
    expect(anthropicCodec.encodeResponse(decoded, contextFor({}, 'claude-sonnet-4-5-20250929'))).toEqual(body);
  });

  it('writes the client model, a msg_ id when the source has none, and stop_sequence', () => {
    const encoded = anthropicCodec.encodeResponse(
      { id: '', model: 'deepseek-chat', content: [{ type: 'text', text: 'Hi' }], finishReason: { unified: 'stop-sequence', raw: 'stop_sequence', stopSequence: '###' }, usage: { inputTokens: 10, outputTokens: 2 } },
      contextFor({}, 'claude-haiku-4-5'),
    );
    expect(encoded).toMatchObject({ model: 'claude-haiku-4-5', stop_reason: 'stop_sequence', stop_sequence: '###', usage: { input_tokens: 10, output_tokens: 2, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 } });
    expect(encoded.id).toMatch(/^msg_[A-Za-z0-9]{24}$/);
  });

  it('shows foreign reasoning as a thinking block whose signature marks its origin', () => {
    const encoded = anthropicCodec.encodeResponse(
      { id: 'x', model: 'm', content: [{ type: 'reasoning', text: 'why' }, { type: 'reasoning', text: '', signature: { format: 'openai-responses', value: 'gAAAA' } }], finishReason: { unified: 'stop' } },
      contextFor(),
    );
    expect(encoded.content).toEqual([
      { type: 'thinking', thinking: 'why', signature: 'sb:none:' },
      { type: 'thinking', thinking: '', signature: 'sb:openai-responses:gAAAA' },
    ]);
    const readBack = anthropicCodec.decodeResponse({ ...encoded, type: 'message' });
    expect(readBack.content).toEqual([{ type: 'reasoning', text: 'why' }, { type: 'reasoning', text: '', signature: { format: 'openai-responses', value: 'gAAAA' } }]);
  });

  it('rejects a body that is not a message', () => {
    expect(() => anthropicCodec.decodeResponse({ type: 'error' })).toThrowError(expect.objectContaining({ code: 'SB_UPSTREAM_BAD_RESPONSE' }));
  });

  it('encodes and decodes errors, keeping an upstream message and mapping OpenAI types', () => {
    expect(anthropicCodec.encodeError(new GatewayError('SB_LIMIT_RATE', 'too many requests'))).toEqual({ type: 'error', error: { type: 'rate_limit_error', message: 'too many requests' } });
    const relayed = new GatewayError('SB_UPSTREAM_HTTP', 'upstream failed', { status: 429, upstream: { provider: 'openai', status: 429, type: 'rate_limit_exceeded', message: 'Rate limit reached for gpt-4.1' } });
    expect(anthropicCodec.encodeError(relayed)).toEqual({ type: 'error', error: { type: 'rate_limit_error', message: 'Rate limit reached for gpt-4.1' } });
    expect(anthropicCodec.encodeStreamError(relayed, 'm')).toBe('event: error\ndata: {"type":"error","error":{"type":"rate_limit_error","message":"Rate limit reached for gpt-4.1"}}\n\n');
    expect(anthropicCodec.decodeErrorBody({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' }, request_id: 'req_1' })).toEqual({ type: 'overloaded_error', message: 'Overloaded' });
    expect(anthropicCodec.decodeErrorBody('nope')).toBeUndefined();
  });
});

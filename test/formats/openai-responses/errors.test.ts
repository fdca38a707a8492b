import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/errors/gateway-error.js';
import { openaiResponsesCodec as codec } from '../../../src/formats/openai-responses/index.js';
import { parseFrames } from './fixtures.js';

describe('openai-responses errors', () => {
  it('writes a gateway error with its SB_ code', () => {
    expect(codec.encodeError(new GatewayError('SB_AUTH_INVALID_KEY', 'The API key is not known.'))).toEqual({
      error: { message: 'The API key is not known.', type: 'invalid_request_error', param: null, code: 'SB_AUTH_INVALID_KEY' },
    });
  });

  it('relays an upstream error with its message and the OpenAI code of its kind', () => {
    const overloaded = new GatewayError('SB_UPSTREAM_HTTP', 'Overloaded', { status: 529, type: 'overloaded_error', upstream: { provider: 'anthropic', status: 529, type: 'overloaded_error', message: 'Overloaded' } });
    expect(codec.encodeError(overloaded)).toEqual({ error: { message: 'Overloaded', type: 'server_error', param: null, code: 'service_unavailable' } });
    const tooLong = new GatewayError('SB_UPSTREAM_HTTP', 'prompt is too long: 210000 tokens > 200000 maximum', { status: 400, type: 'invalid_request_error', upstream: { provider: 'anthropic', status: 400, type: 'invalid_request_error', message: 'prompt is too long' } });
    // Codex compacts its history on context_length_exceeded.
    expect(codec.encodeError(tooLong)).toMatchObject({ error: { type: 'invalid_request_error', code: 'context_length_exceeded' } });
  });

  it('reads OpenAI error bodies into the gateway vocabulary', () => {
    expect(codec.decodeErrorBody({ error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } })).toEqual({ type: 'rate_limit_error', message: 'Rate limit reached' });
    expect(codec.decodeErrorBody({ error: { message: 'bad', type: 'invalid_request_error', param: 'input', code: 'invalid_value' } })).toEqual({ type: 'invalid_request_error', message: 'bad' });
    expect(codec.decodeErrorBody({ message: 'not an error body' })).toBeUndefined();
  });

  it('closes a passthrough stream with an error event and response.failed', () => {
    const [error, event, ...rest] = parseFrames([codec.encodeStreamError(new GatewayError('SB_UPSTREAM_TIMEOUT', 'no data for 60s'), 'gpt-5.1-codex')]);
    expect(rest).toEqual([]);
    expect(error).toMatchObject({ event: 'error', data: { type: 'error', code: 'timeout', message: 'no data for 60s', param: null, error: { code: 'timeout', message: 'no data for 60s' } } });
    expect(event).toMatchObject({ event: 'response.failed', data: { type: 'response.failed', response: { object: 'response', status: 'failed', model: 'gpt-5.1-codex', error: { code: 'timeout', message: 'no data for 60s' } } } });
  });
});

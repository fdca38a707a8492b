/**
 * The Anthropic Messages codec (`format: anthropic`): POST /v1/messages
 * requests, responses, event streams and errors, read into and written from
 * the canonical model.
 * @module
 */
import type { FormatCodec } from '../../canonical/codec.js';
import { decodeAnthropicRequest } from './decode-request.js';
import { decodeAnthropicResponse } from './decode-response.js';
import { decodeAnthropicErrorBody, encodeAnthropicError, encodeAnthropicStreamError } from './encode-error.js';
import { encodeAnthropicRequest } from './encode-request.js';
import { encodeAnthropicResponse } from './encode-response.js';
import { createAnthropicStreamDecoder } from './stream-decoder.js';
import { createAnthropicStreamEncoder } from './stream-encoder.js';

export const anthropicCodec: FormatCodec = {
  format: 'anthropic',
  decodeRequest: decodeAnthropicRequest,
  encodeRequest: encodeAnthropicRequest,
  decodeResponse: decodeAnthropicResponse,
  encodeResponse: encodeAnthropicResponse,
  createStreamDecoder: createAnthropicStreamDecoder,
  createStreamEncoder: createAnthropicStreamEncoder,
  encodeError: encodeAnthropicError,
  encodeStreamError: (error) => encodeAnthropicStreamError(error),
  decodeErrorBody: decodeAnthropicErrorBody,
};

export { decodeAnthropicRequest, encodeAnthropicRequest, decodeAnthropicResponse, encodeAnthropicResponse };
export { createAnthropicStreamDecoder, createAnthropicStreamEncoder, encodeAnthropicError, encodeAnthropicStreamError, decodeAnthropicErrorBody };

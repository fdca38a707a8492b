import type { FormatCodec } from '../../canonical/codec.js';
import { decodeResponsesRequest } from './decode-request.js';
import { decodeResponsesResponse } from './decode-response.js';
import { decodeResponsesErrorBody, encodeResponsesError, encodeResponsesStreamError } from './encode-error.js';
import { encodeResponsesRequest } from './encode-request.js';
import { encodeResponsesResponse } from './encode-response.js';
import { createResponsesStreamDecoder } from './stream-decoder.js';
import { createResponsesStreamEncoder } from './stream-encoder.js';

/** The OpenAI Responses API (`POST /v1/responses`): what Codex speaks. */
export const openaiResponsesCodec: FormatCodec = {
  format: 'openai-responses',
  decodeRequest: decodeResponsesRequest,
  encodeRequest: encodeResponsesRequest,
  decodeResponse: decodeResponsesResponse,
  encodeResponse: encodeResponsesResponse,
  createStreamDecoder: createResponsesStreamDecoder,
  createStreamEncoder: createResponsesStreamEncoder,
  encodeError: encodeResponsesError,
  encodeStreamError: encodeResponsesStreamError,
  decodeErrorBody: decodeResponsesErrorBody,
};

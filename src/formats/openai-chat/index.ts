/**
 * The OpenAI Chat Completions codec (`format: openai-chat`): POST
 * /v1/chat/completions requests, responses, chunk streams and errors, read
 * into and written from the canonical model. Also reads DeepSeek's
 * `reasoning_content` (and `reasoning`) and writes `reasoning_content`.
 * @module
 */
import type { FormatCodec } from '../../canonical/codec.js';
import { decodeChatRequest } from './decode-request.js';
import { decodeChatResponse } from './decode-response.js';
import { decodeChatErrorBody, encodeChatError, encodeChatStreamError } from './encode-error.js';
import { encodeChatRequest } from './encode-request.js';
import { encodeChatResponse } from './encode-response.js';
import { createChatStreamDecoder } from './stream-decoder.js';
import { createChatStreamEncoder } from './stream-encoder.js';

export const openaiChatCodec: FormatCodec = {
  format: 'openai-chat',
  decodeRequest: decodeChatRequest,
  encodeRequest: encodeChatRequest,
  decodeResponse: decodeChatResponse,
  encodeResponse: encodeChatResponse,
  createStreamDecoder: createChatStreamDecoder,
  createStreamEncoder: createChatStreamEncoder,
  encodeError: encodeChatError,
  encodeStreamError: (error) => encodeChatStreamError(error),
  decodeErrorBody: decodeChatErrorBody,
};

export { decodeChatRequest, encodeChatRequest, decodeChatResponse, encodeChatResponse };
export { createChatStreamDecoder, createChatStreamEncoder, encodeChatError, encodeChatStreamError, decodeChatErrorBody };

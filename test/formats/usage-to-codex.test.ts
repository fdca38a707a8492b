import { describe, expect, it } from 'vitest';
import type { FormatCodec } from '../../src/canonical/codec.js';
import type { StreamPart } from '../../src/canonical/stream.js';
import { anthropicCodec } from '../../src/formats/anthropic-messages/index.js';
import { openaiChatCodec } from '../../src/formats/openai-chat/index.js';
import { openaiResponsesCodec } from '../../src/formats/openai-responses/index.js';
import { createSseParser } from '../../src/sse/sse-parser.js';
import { sse } from '../helpers/fake-provider.js';
import { chatChunk } from '../helpers/wire-transcripts.js';
import { parseFrames } from './openai-responses/fixtures.js';

/**
 * Codex decides to compact from the usage in `response.completed`: every
 * provider format's counts must reach it as reported, cache reads and writes
 * inside `input_tokens`, nothing estimated or lost.
 */

function throughToResponses(codec: FormatCodec, frames: string[]): Record<string, unknown> {
  const parts: StreamPart[] = [];
  const decoder = codec.createStreamDecoder((part) => parts.push(part));
  const parser = createSseParser((event) => decoder.push(event));
  for (const frame of frames) parser.push(frame);
  parser.end();
  decoder.end();
  const request = openaiResponsesCodec.decodeRequest({ model: 'gpt-6.1-sol', input: 'hi', stream: true }).value;
  const out: string[] = [];
  const encoder = openaiResponsesCodec.createStreamEncoder({ clientModel: 'gpt-6.1-sol', request }, (frame) => out.push(frame));
  for (const part of parts) encoder.push(part);
  const completed = parseFrames(out).find((event) => event.event === 'response.completed');
  return (completed!.data.response as { usage: Record<string, unknown> }).usage;
}

describe('usage reaching a Responses client (what Codex compacts on)', () => {
  it('from an Anthropic stream: input, cache reads and cache writes add up to input_tokens', () => {
    const frames = [
      sse({ type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1000, cache_read_input_tokens: 140_000, cache_creation_input_tokens: 9000, output_tokens: 1 } } }, 'message_start'),
      sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start'),
      sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'ok' } }, 'content_block_delta'),
      sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
      sse({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 200 } }, 'message_delta'),
      sse({ type: 'message_stop' }, 'message_stop'),
    ];
    expect(throughToResponses(anthropicCodec, frames)).toEqual({ input_tokens: 150_000, input_tokens_details: { cached_tokens: 140_000 }, output_tokens: 200, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 150_200 });
  });

  it('from a Chat stream: the usage chunk, cached and reasoning details included', () => {
    const frames = [
      sse(chatChunk('deepseek-chat', { role: 'assistant', content: 'ok' })),
      sse(chatChunk('deepseek-chat', {}, 'stop')),
      sse({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'deepseek-chat', choices: [], usage: { prompt_tokens: 150_000, completion_tokens: 200, total_tokens: 150_200, prompt_tokens_details: { cached_tokens: 140_000 }, completion_tokens_details: { reasoning_tokens: 50 } } }),
      'data: [DONE]\n\n',
    ];
    expect(throughToResponses(openaiChatCodec, frames)).toEqual({ input_tokens: 150_000, input_tokens_details: { cached_tokens: 140_000 }, output_tokens: 200, output_tokens_details: { reasoning_tokens: 50 }, total_tokens: 150_200 });
  });
});

import { approximateInputTokens } from '../canonical/approximate-input-tokens.js';
import type { StreamPart } from '../canonical/stream.js';
import type { CanonicalRequest } from '../canonical/types.js';

/**
 * The built-in offline provider (`format: mock`). It answers with
 * deterministic text that echoes the last user message, so `npm start` plus
 * one curl works with no network, and tests can see what the gateway passed
 * on. It produces canonical stream parts; the client's writer puts them in
 * the client's wire format, streaming or not.
 */
export function mockResponseParts(request: CanonicalRequest, upstreamModel: string, id: string): StreamPart[] {
  const said = lastUserText(request);
  const text = `Mock answer from ${upstreamModel}. You said: ${said === '' ? '(nothing)' : said}`;
  const parts: StreamPart[] = [{ type: 'response-start', id, model: upstreamModel }, { type: 'text-start', index: 0 }];
  // Word-sized deltas, so a streaming client sees a real multi-event stream.
  for (const piece of text.match(/\S+\s*/g) ?? [text]) parts.push({ type: 'text-delta', index: 0, text: piece });
  parts.push({ type: 'text-end', index: 0 });
  // The same estimate the Anthropic stream writer puts in message_start, so the start and the end agree.
  const inputTokens = approximateInputTokens(request);
  const outputTokens = Math.max(1, Math.ceil(text.length / 4));
  parts.push({ type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: { inputTokens, outputTokens } });
  return parts;
}

function lastUserText(request: CanonicalRequest): string {
  for (let index = request.messages.length - 1; index >= 0; index--) {
    const message = request.messages[index]!;
    if (message.role !== 'user') continue;
    const texts: string[] = [];
    for (const part of message.content) {
      if (part.type === 'text') texts.push(part.text);
      else if (part.type === 'tool-result') for (const inner of part.content) if (inner.type === 'text') texts.push(inner.text);
    }
    if (texts.length > 0) return texts.join(' ');
  }
  return '';
}

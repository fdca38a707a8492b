import { readFileSync } from 'node:fs';
import type { EncodeContext, FormatCodec } from '../../../src/canonical/codec.js';
import type { SseEvent, StreamPart } from '../../../src/canonical/stream.js';
import type { CanonicalRequest } from '../../../src/canonical/types.js';
import { createSseParser } from '../../../src/sse/sse-parser.js';

const fixtureRoot = new URL('../../fixtures/', import.meta.url);

export function readFixture(path: string): string {
  return readFileSync(new URL(path, fixtureRoot), 'utf8');
}

export function readJsonFixture(path: string): Record<string, unknown> {
  return JSON.parse(readFixture(path)) as Record<string, unknown>;
}

/** Parses SSE text into events with the gateway's own byte parser. */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createSseParser((event) => events.push(event));
  parser.push(new TextEncoder().encode(text));
  parser.end();
  return events;
}

/** Replays a recorded transcript through a codec's stream decoder, as the pipeline does. */
export function decodeTranscript(codec: FormatCodec, transcript: string): StreamPart[] {
  const parts: StreamPart[] = [];
  const decoder = codec.createStreamDecoder((part) => parts.push(part));
  for (const event of parseSse(transcript)) decoder.push(event);
  decoder.end();
  return parts;
}

export function encodeParts(codec: FormatCodec, context: EncodeContext, parts: StreamPart[]): string {
  let text = '';
  const encoder = codec.createStreamEncoder(context, (frame) => {
    text += frame;
  });
  for (const part of parts) encoder.push(part);
  return text;
}

export function contextFor(request: Partial<CanonicalRequest> = {}, clientModel = 'client-model'): EncodeContext {
  return { clientModel, request: { model: clientModel, stream: true, system: [], messages: [], tools: [], ...request } };
}

export { serveSse } from '../../helpers/serve-sse.js';

import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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

/** Serves one fixed SSE body on every request, so the vendor SDKs can read an encoder's output as they read the real APIs. */
export async function serveSse(body: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

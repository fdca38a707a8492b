import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { StreamPart, SseEvent } from '../../../src/canonical/stream.js';
import { createSseParser } from '../../../src/sse/sse-parser.js';
import { openaiResponsesCodec } from '../../../src/formats/openai-responses/index.js';

const directory = fileURLToPath(new URL('../../fixtures/openai-responses/', import.meta.url));

export function readFixture(name: string): string {
  return readFileSync(directory + name, 'utf8');
}

export function readJsonFixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFixture(name)) as T;
}

/** The body of a request captured from a real client (test/fixtures/real-clients/). */
export function readRealClientBody(name: string): Record<string, unknown> {
  const capture = JSON.parse(readFileSync(fileURLToPath(new URL(`../../fixtures/real-clients/${name}`, import.meta.url)), 'utf8')) as { body: Record<string, unknown> };
  return capture.body;
}

/** A recorded transcript as the SSE parser delivers it. */
export function readSseFixture(name: string): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createSseParser((event) => events.push(event));
  parser.push(readFixture(name));
  parser.end();
  return events;
}

/** Runs events through the Responses stream decoder; `end()` is called unless told otherwise. */
export function decodeStream(events: SseEvent[], end = true): StreamPart[] {
  const parts: StreamPart[] = [];
  const decoder = openaiResponsesCodec.createStreamDecoder((part) => parts.push(part));
  for (const event of events) decoder.push(event);
  if (end) decoder.end();
  return parts;
}

/** Frames written by an encoder, parsed back into `{event, data}` with the JSON decoded. */
export function parseFrames(frames: string[]): Array<{ event: string | undefined; data: Record<string, unknown> }> {
  const events: Array<{ event: string | undefined; data: Record<string, unknown> }> = [];
  const parser = createSseParser((event) => events.push({ event: event.event, data: JSON.parse(event.data) as Record<string, unknown> }));
  for (const frame of frames) parser.push(frame);
  parser.end();
  return events;
}

import { RawJson } from './raw-json.js';
import { traceMetadataFields, type TraceDropped, type TraceRecord } from './trace-record.js';

/** A record turned into text at write() time, so later changes to the object cannot reach the file. */
export interface SerializedTrace {
  ts: string;
  /** `{"ts":...,"warnings":[...]` without the closing brace. */
  head: string;
  request?: SerializedBody;
  response?: SerializedBody;
}

export interface SerializedBody {
  /** The body's JSON text, or its truncated form. */
  json: string;
  /** UTF-8 size of the whole body's JSON text. */
  originalBytes: number;
}

export interface SerializeOptions {
  capture: 'full' | 'metadata';
  maxBodyBytes: number;
}

/**
 * Serializes the metadata in the fixed field order and each body once.
 * Only the known fields are written: an extra property on the object (a
 * header map, a secret) never reaches the file.
 */
export function serializeTrace(record: TraceRecord, options: SerializeOptions): SerializedTrace {
  const ordered: Record<string, unknown> = {};
  for (const field of traceMetadataFields) {
    const value = record[field];
    ordered[field] = value === undefined ? null : value;
  }
  // One attempt says nothing that provider/status/error do not; keep lines short.
  if (!Array.isArray(record.attempts) || record.attempts.length < 2) ordered.attempts = undefined;
  // Budget notes are rare; most lines go without the field rather than with a null.
  if (record.budget === undefined) ordered.budget = undefined;
  const serialized: SerializedTrace = { ts: String(record.ts), head: JSON.stringify(ordered).slice(0, -1) };
  if (options.capture === 'full') {
    const request = serializeBody(record.request, options.maxBodyBytes);
    if (request) serialized.request = request;
    const response = serializeBody(record.response, options.maxBodyBytes);
    if (response) serialized.response = response;
  }
  return serialized;
}

/** One complete line, newline included. `dropBodies` keeps the metadata and marks each body as dropped (a truncation with no text). */
export function renderTraceLine(trace: SerializedTrace, dropBodies: boolean, dropped: TraceDropped | undefined): string {
  let line = trace.head;
  if (trace.request) line += `,"request":${dropBodies ? droppedBody(trace.request) : trace.request.json}`;
  if (trace.response) line += `,"response":${dropBodies ? droppedBody(trace.response) : trace.response.json}`;
  if (dropped) line += `,"dropped":{"lines":${dropped.lines},"bodies":${dropped.bodies}}`;
  return `${line}}\n`;
}

export function hasBodies(trace: SerializedTrace): boolean {
  return trace.request !== undefined || trace.response !== undefined;
}

function serializeBody(body: unknown, maxBytes: number): SerializedBody | undefined {
  if (body === undefined) return undefined;
  const json = body instanceof RawJson ? body.oneLine() : JSON.stringify(body);
  if (json === undefined) return undefined;
  // UTF-8 never takes fewer bytes than UTF-16 code units, and at most three per unit: skip the count when the length decides.
  const originalBytes = json.length * 3 <= maxBytes ? json.length : Buffer.byteLength(json);
  if (originalBytes <= maxBytes) return { json, originalBytes };
  return { json: JSON.stringify({ truncated: true, original_bytes: originalBytes, text: utf8Prefix(json, maxBytes) }), originalBytes };
}

function droppedBody(body: SerializedBody): string {
  return `{"truncated":true,"original_bytes":${body.originalBytes},"text":""}`;
}

/** The longest prefix of `text` whose UTF-8 form fits in `maxBytes`, never splitting a character. */
export function utf8Prefix(text: string, maxBytes: number): string {
  let end = Math.min(text.length, maxBytes);
  let prefix = text.slice(0, end);
  let bytes = Buffer.byteLength(prefix);
  while (bytes > maxBytes) {
    // Shrink by the overshoot (each unit is at least one byte), then re-measure.
    end -= Math.max(1, Math.floor((bytes - maxBytes) / 3));
    prefix = text.slice(0, end);
    bytes = Buffer.byteLength(prefix);
  }
  const last = prefix.charCodeAt(prefix.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) prefix = prefix.slice(0, -1);
  return prefix;
}

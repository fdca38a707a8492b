import { createReadStream } from 'node:fs';
import { lstat } from 'node:fs/promises';

/** What the writer needs to know about a `traces.jsonl` left by an earlier run. */
export interface TraceFileScan {
  size: number;
  /** Earliest and latest line `ts` (ISO 8601); undefined when no line had one. */
  minTs?: string;
  maxTs?: string;
  /** False when the last line is incomplete (the process was killed while writing it). */
  endsWithNewline: boolean;
}

const headPattern = /^\{"ts":"([^"]{1,40})"/;
const headBytes = 48;

/**
 * Reads the `ts` at the start of every line. Lines are written when a
 * request ends but stamped with its start, so the first line is not always
 * the earliest: the whole file is read once, at startup, off the request path.
 */
export async function scanTraceFile(path: string): Promise<TraceFileScan> {
  const scan: TraceFileScan = { size: 0, endsWithNewline: true };
  // A link, device or FIFO in its place is neither read nor written (the writer refuses to open it).
  if (!(await lstat(path)).isFile()) return scan;
  // Bytes of the current line's start, collected until `headBytes` or its end.
  let head: number[] | undefined = [];
  const takeHead = (): void => {
    if (!head) return;
    const ts = parseTimestamp(headPattern.exec(Buffer.from(head).toString('latin1'))?.[1]);
    head = undefined;
    if (ts === undefined) return;
    if (scan.minTs === undefined || ts < scan.minTs) scan.minTs = ts;
    if (scan.maxTs === undefined || ts > scan.maxTs) scan.maxTs = ts;
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    scan.size += chunk.length;
    scan.endsWithNewline = chunk[chunk.length - 1] === 0x0a;
    let position = 0;
    while (position < chunk.length) {
      if (head) {
        const newline = chunk.indexOf(0x0a, position);
        const end = Math.min(newline === -1 ? chunk.length : newline, position + headBytes - head.length);
        for (let index = position; index < end; index++) head.push(chunk[index]!);
        position = end;
        if (head.length >= headBytes || newline === position) takeHead();
        continue;
      }
      const newline = chunk.indexOf(0x0a, position);
      if (newline === -1) break;
      position = newline + 1;
      head = [];
    }
  }
  if (head && head.length > 0) takeHead();
  return scan;
}

/** A line's `ts` as a canonical ISO string, or undefined when it is not a time. */
export function parseTimestamp(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

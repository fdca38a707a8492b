import { createReadStream } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { scanLineHeads, type HeadRule } from './line-heads.js';

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
  const takeHead = (head: Buffer | undefined): void => {
    const ts = parseTimestamp(head && headPattern.exec(head.toString('latin1'))?.[1]);
    if (ts === undefined) return;
    if (scan.minTs === undefined || ts < scan.minTs) scan.minTs = ts;
    if (scan.maxTs === undefined || ts > scan.maxTs) scan.maxTs = ts;
  };
  const source = createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>;
  const scanned = await scanLineHeads(source, 0, tsHead, takeHead);
  scan.size = scanned.bytes;
  scan.endsWithNewline = scanned.end === scanned.bytes;
  if (scanned.trailing) takeHead(scanned.trailing);
  return scan;
}

/** The first `headBytes` of a line: enough for `{"ts":"…"`. */
const tsHead: HeadRule = {
  headEnd: (collected, _searchFrom, complete) => (collected.length >= headBytes ? headBytes : complete ? collected.length : undefined),
  maxHeadBytes: headBytes,
};

/** A line's `ts` as a canonical ISO string, or undefined when it is not a time. */
export function parseTimestamp(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

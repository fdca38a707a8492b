import { createReadStream } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGunzip } from 'node:zlib';
import { currentTraceFile, listRotatedTraceFiles } from './trace-files.js';
import type { TraceRecord } from './trace-record.js';

/** One trace file to read, oldest first. */
export interface TraceFileEntry {
  path: string;
  gzip: boolean;
  /** Time range from a rotated file's name (ISO 8601, second precision); absent for `traces.jsonl`. */
  first?: string;
  last?: string;
}

export interface ReadTracesOptions {
  dir: string;
  /** Only records whose `ts` is at or after this time. */
  since?: Date;
  /** Only records whose `ts` is at or before this time. */
  until?: Date;
  /** A cheap test on the raw line before it is parsed (e.g. a substring search); lines it rejects are not parsed. */
  lineFilter?: (line: string) => boolean;
}

/**
 * Every record in a traces folder: rotated files (plain or gzipped) in time
 * order, then `traces.jsonl`. Within a file, records come in the order they
 * were written (when requests ended), so a long request appears after
 * shorter ones that started later. Files whose name puts them outside
 * `since`..`until` are not opened. Incomplete or corrupt lines (a process
 * killed mid-line, a truncated gzip) are skipped and counted in
 * `skippedLines`.
 */
export class TraceReader implements AsyncIterable<TraceRecord> {
  skippedLines = 0;
  readonly #options: ReadTracesOptions;

  constructor(options: ReadTracesOptions) {
    this.#options = options;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<TraceRecord> {
    const { since, until, lineFilter } = this.#options;
    const sinceMs = since?.getTime();
    const untilMs = until?.getTime();
    for (const file of await listTraceFiles(this.#options.dir, { since, until })) {
      for await (const record of readTraceFile(file, { lineFilter, onSkip: () => this.skippedLines++ })) {
        const time = Date.parse(record.ts);
        if (sinceMs !== undefined && !(time >= sinceMs)) continue;
        if (untilMs !== undefined && !(time <= untilMs)) continue;
        yield record;
      }
    }
  }
}

/** Trace files of a folder, oldest first; rotated files whose time range misses `since`..`until` are left out. */
export async function listTraceFiles(dir: string, range: { since?: Date | undefined; until?: Date | undefined } = {}): Promise<TraceFileEntry[]> {
  const files: TraceFileEntry[] = [];
  for (const rotated of await listRotatedTraceFiles(dir)) {
    // Names hold times rounded down to the second.
    if (range.since && Date.parse(rotated.last) + 1000 <= range.since.getTime()) continue;
    if (range.until && Date.parse(rotated.first) > range.until.getTime()) continue;
    files.push({ path: join(dir, rotated.name), gzip: rotated.gzip, first: rotated.first, last: rotated.last });
  }
  files.push({ path: join(dir, currentTraceFile), gzip: false });
  return files;
}

/** The records of one file. A file that vanished (retention, rotation) reads as empty. */
export async function* readTraceFile(file: TraceFileEntry, options: { lineFilter?: ((line: string) => boolean) | undefined; onSkip?: () => void } = {}): AsyncGenerator<TraceRecord> {
  const source = createReadStream(file.path, { highWaterMark: 1 << 16 });
  let stream: AsyncIterable<Buffer> = source;
  if (file.gzip) {
    const gunzip = createGunzip();
    source.on('error', (error) => gunzip.destroy(error));
    stream = source.pipe(gunzip);
  }
  try {
    const lines = createLineSplitter();
    for await (const chunk of stream) {
      for (const line of lines.push(chunk)) {
        const record = parseLine(line, options);
        if (record) yield record;
      }
    }
    // A last line without its newline is kept only if it is whole JSON; usually it is a torn line.
    const rest = lines.rest();
    if (rest !== undefined) {
      const record = parseLine(rest, options);
      if (record) yield record;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    // A truncated or corrupt gzip ends the file here.
    options.onSkip?.();
  } finally {
    source.destroy();
  }
}

export interface FollowOptions {
  /** Start at the beginning of `traces.jsonl` instead of its end. */
  fromStart?: boolean;
  /** Called (and awaited) once, when the existing content has been read. */
  onCaughtUp?: () => void | Promise<void>;
  /** Keep waiting for new lines (`tail -f`); without it, stop at the end of the file. */
  follow?: boolean;
  intervalMs?: number;
  signal?: AbortSignal;
  onSkip?: () => void;
}

/**
 * Records appended to `traces.jsonl`, following it across rotations: when
 * the file is renamed away, what remains of it is read to its end, then any
 * file that was rotated in between (several rotations within one poll), then
 * the new `traces.jsonl` from its start; no line is missed or repeated
 * unless retention deletes a file before it could be read.
 */
export async function* followTraces(dir: string, options: FollowOptions = {}): AsyncGenerator<TraceRecord> {
  const path = join(dir, currentTraceFile);
  const intervalMs = options.intervalMs ?? 250;
  let current: FollowedFile | undefined;
  /** Rotated files that existed when `current` was opened: read already, or older than the start. */
  let known = new Set<string>();
  let caughtUp = false;
  try {
    current = await openFollowed(path, !options.fromStart);
    known = await rotatedBases(dir);
    while (!options.signal?.aborted) {
      if (current) yield* readNewLines(current, options);
      if (!caughtUp) {
        caughtUp = true;
        await options.onCaughtUp?.();
      }
      if (!options.follow) {
        // Without following, a last line without its newline will not be finished: whole JSON or torn.
        const rest = current?.lines.rest();
        const record = rest === undefined ? undefined : parseLine(rest, options);
        if (record) yield record;
        return;
      }
      if (!current || (await replacedOrGone(path, current.ino))) {
        const previous = current;
        if (previous) {
          // Lines appended between the last read and the rename are still in the old file.
          yield* readNewLines(previous, options);
          if (previous.lines.rest() !== undefined) options.onSkip?.();
          await previous.handle.close();
        }
        // Open the new file before listing, so a rotation of it from now on shows up as a rename of the file we hold.
        current = await openFollowed(path, false);
        const listed = await listRotatedTraceFiles(dir);
        const skip = new Set([...known, ...(await basesWithIno(dir, listed, [previous?.ino, current?.ino]))]);
        const missed = listed.filter((file) => !skip.has(file.base));
        // The old file was renamed first; if it was gzipped before we looked, it is the oldest new name.
        if (previous && missed.length > 0 && !(await basesWithIno(dir, listed, [previous.ino])).length) missed.shift();
        for (const file of missed) yield* readTraceFile({ path: join(dir, file.name), gzip: file.gzip }, options);
        known = new Set(listed.map((file) => file.base));
        if (current) continue;
      }
      try {
        await sleep(intervalMs, undefined, { signal: options.signal });
      } catch {
        return;
      }
    }
  } finally {
    await current?.handle.close();
  }
}

interface FollowedFile {
  handle: FileHandle;
  ino: number;
  position: number;
  lines: LineSplitter;
}

async function openFollowed(path: string, atEnd: boolean): Promise<FollowedFile | undefined> {
  const handle = await openIfExists(path);
  if (!handle) return undefined;
  const { ino, size } = await handle.stat();
  return { handle, ino, position: atEnd ? size : 0, lines: createLineSplitter() };
}

async function rotatedBases(dir: string): Promise<Set<string>> {
  return new Set((await listRotatedTraceFiles(dir)).map((file) => file.base));
}

/** Bases of the plain rotated files that are one of these inodes (renamed from `traces.jsonl`). */
async function basesWithIno(dir: string, files: Array<{ base: string; name: string; gzip: boolean }>, inos: Array<number | undefined>): Promise<string[]> {
  const wanted = inos.filter((ino): ino is number => ino !== undefined);
  const bases: string[] = [];
  for (const file of files) {
    if (file.gzip) continue;
    const ino = await stat(join(dir, file.name)).then((info) => info.ino, () => undefined);
    if (ino !== undefined && wanted.includes(ino)) bases.push(file.base);
  }
  return bases;
}

async function* readNewLines(current: { handle: FileHandle; position: number; lines: LineSplitter }, options: FollowOptions): AsyncGenerator<TraceRecord> {
  const buffer = Buffer.alloc(1 << 16);
  for (;;) {
    const { bytesRead } = await current.handle.read(buffer, 0, buffer.length, current.position);
    if (bytesRead === 0) return;
    current.position += bytesRead;
    for (const line of current.lines.push(Buffer.from(buffer.subarray(0, bytesRead)))) {
      const record = parseLine(line, options);
      if (record) yield record;
    }
  }
}

async function openIfExists(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function replacedOrGone(path: string, ino: number): Promise<boolean> {
  try {
    return (await stat(path)).ino !== ino;
  } catch {
    return true;
  }
}

/** A record from one line, or undefined (counted) when the line is not a whole trace record. */
function parseLine(line: string, options: { lineFilter?: ((line: string) => boolean) | undefined; onSkip?: (() => void) | undefined }): TraceRecord | undefined {
  if (line.trim() === '') return undefined;
  if (options.lineFilter && !options.lineFilter(line)) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    if (isTraceRecord(value)) return value;
  } catch {
    // Counted below.
  }
  options.onSkip?.();
  return undefined;
}

function isTraceRecord(value: unknown): value is TraceRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.ts === 'string' && typeof record.id === 'string';
}

interface LineSplitter {
  /** Complete lines in this chunk (with what was carried before). */
  push(chunk: Buffer): string[];
  /** The text after the last newline, if any. */
  rest(): string | undefined;
}

/** Splits bytes at newlines before decoding, so a multi-byte character split across chunks stays whole. */
function createLineSplitter(): LineSplitter {
  let carried: Buffer[] = [];
  return {
    push(chunk) {
      const lines: string[] = [];
      let start = 0;
      for (let newline = chunk.indexOf(0x0a); newline !== -1; newline = chunk.indexOf(0x0a, start)) {
        const piece = chunk.subarray(start, newline);
        lines.push((carried.length > 0 ? Buffer.concat([...carried, piece]) : piece).toString('utf8'));
        carried = [];
        start = newline + 1;
      }
      if (start < chunk.length) carried.push(chunk.subarray(start));
      return lines;
    },
    rest() {
      if (carried.length === 0) return undefined;
      const text = Buffer.concat(carried).toString('utf8');
      carried = [];
      return text;
    },
  };
}

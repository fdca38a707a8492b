import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { IndexSegment, textColumns, type IndexedLine, type TextColumn } from './index-segment.js';
import { scanLineHeads, type HeadRule } from './line-heads.js';
import { listTraceFiles, type TraceFileEntry } from './read-traces.js';
import { StringTable } from './string-table.js';
import { currentTraceFile } from './trace-files.js';
import type { StatusMatcher } from './trace-query.js';
import type { TraceRecord } from './trace-record.js';

export interface TraceIndexOptions {
  dir: string;
  /** Rows kept at most; the oldest files (then lines) are let go first. */
  maxRequests: number;
}

/** What a query keeps; every given field must match (like `switchboard traces search`). */
export interface IndexQuery {
  key?: string;
  /** The requested or the upstream model. */
  model?: string;
  provider?: string;
  profile?: string;
  session?: string;
  agent?: string;
  status?: StatusMatcher[];
  /** Epoch milliseconds, inclusive. */
  since?: number;
  until?: number;
}

/** One indexed row, read through without copying (valid only during the visit). */
export interface RowView {
  readonly tsMs: number;
  readonly durationMs: number;
  /** NaN when no first byte was sent. */
  readonly ttftMs: number;
  readonly status: number;
  readonly failed: boolean;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** NaN when the line has no cost. */
  readonly costUsd: number;
  /** The string-table id of a text column (0: null); compare ids, or read the text with `text()`. */
  textId(column: TextColumn): number;
  text(column: TextColumn): string | null;
  line(): IndexedLine;
}

/** How much of the traces the index holds. */
export interface IndexCoverage {
  requests: number;
  files: number;
  /** Oldest request indexed (epoch ms); undefined when none. */
  since?: number;
  /** Rotated files left out (or let go) because `maxRequests` was reached: older requests are readable with `switchboard traces`. */
  filesLeftOut: number;
  linesSkipped: number;
  memoryBytes: number;
}

const columnIndex = Object.fromEntries(textColumns.map((column, index) => [column, index])) as Record<TextColumn, number>;
const readChunkBytes = 1 << 20;

/**
 * An in-memory index of a traces folder for the web console: the metadata
 * of every line (never the bodies) with its byte offset, built once per
 * rotated file and caught up incrementally on `traces.jsonl`, bounded by
 * `maxRequests`. Queries scan typed arrays newest first; one request's whole
 * line is read back from its file (plain or gzipped) by offset. A rotation
 * is followed by inode, so the lines of the renamed file are not indexed
 * twice.
 */
export class TraceIndex {
  readonly strings = new StringTable();
  readonly #options: TraceIndexOptions;
  #current: IndexSegment | undefined;
  /** Rotated files by base name, oldest first. */
  #rotated = new Map<string, IndexSegment>();
  /** Rotated bases left out for the bound; not read again. */
  readonly #leftOut = new Set<string>();
  #linesSkipped = 0;
  #refreshing: Promise<void> | undefined;

  constructor(options: TraceIndexOptions) {
    this.#options = options;
  }

  get dir(): string {
    return this.#options.dir;
  }

  /** Indexes what was written since the last call (new files, appended lines, rotations). Calls made meanwhile share one run. */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  /** Segments newest first. */
  #segments(): IndexSegment[] {
    const segments = [...this.#rotated.values()].reverse();
    if (this.#current) segments.unshift(this.#current);
    return segments;
  }

  coverage(): IndexCoverage {
    const segments = this.#segments();
    const requests = segments.reduce((sum, segment) => sum + segment.count, 0);
    const oldest = Math.min(...segments.map((segment) => segment.minTs));
    return {
      requests,
      files: segments.length,
      ...(Number.isFinite(oldest) && { since: oldest }),
      filesLeftOut: this.#leftOut.size,
      linesSkipped: this.#linesSkipped,
      memoryBytes: segments.reduce((sum, segment) => sum + segment.memoryBytes, 0),
    };
  }

  /**
   * Visits the rows matching `query`, newest first within each file and
   * files newest first (so a long request appears among those that ended
   * with it); stops when `visit` returns false.
   */
  scan(query: IndexQuery, visit: (row: RowView) => boolean | void): void {
    const match = this.#compile(query);
    if (!match) return;
    const view = new SegmentRowView(this.strings);
    for (const segment of this.#segments()) {
      if (query.since !== undefined && segment.maxTs < query.since) continue;
      if (query.until !== undefined && segment.minTs > query.until) continue;
      view.segment = segment;
      for (let row = segment.count - 1; row >= 0; row--) {
        if (!match(segment, row)) continue;
        view.row = row;
        if (visit(view) === false) return;
      }
    }
  }

  /** The whole trace line of request `id`, read back from its file; undefined when no indexed line has it. */
  async find(id: string): Promise<TraceRecord | undefined> {
    for (let attempt = 0; attempt < 2; attempt++) {
      for (const segment of this.#segments()) {
        for (const row of segment.rowsWithId(id)) {
          const record = await readLineAt(segment, segment.offset[row]!, segment.length[row]!);
          if (record?.id === id) return record;
        }
      }
      // The file may have been rotated or compressed since it was indexed: look again once.
      await this.refresh();
    }
    return undefined;
  }

  #compile(query: IndexQuery): ((segment: IndexSegment, row: number) => boolean) | undefined {
    const wanted: Array<[number, number]> = [];
    for (const column of ['key', 'provider', 'profile', 'session', 'agent'] as const) {
      const value = query[column];
      if (value === undefined) continue;
      const id = this.strings.find(value);
      if (id === undefined) return undefined;
      wanted.push([columnIndex[column], id]);
    }
    const modelId = query.model === undefined ? undefined : this.strings.find(query.model);
    if (query.model !== undefined && modelId === undefined) return undefined;
    const { since, until, status } = query;
    const probe = { status: 0, error: null as object | null };
    const recorded = {};
    return (segment, row) => {
      const ts = segment.ts[row]!;
      if (since !== undefined && ts < since) return false;
      if (until !== undefined && ts > until) return false;
      for (const [column, id] of wanted) if (segment.textId(row, column) !== id) return false;
      if (modelId !== undefined && segment.textId(row, columnIndex.model) !== modelId && segment.textId(row, columnIndex.upstream_model) !== modelId) return false;
      if (status) {
        // The matchers of `--status` read only `status` and `error`.
        probe.status = segment.status[row]!;
        probe.error = (segment.flags[row]! & 1) === 1 ? recorded : null;
        if (!status.some((matches) => matches(probe as unknown as TraceRecord))) return false;
      }
      return true;
    };
  }

  async #refresh(): Promise<void> {
    const { dir } = this.#options;
    const listed = await listTraceFiles(dir);
    const rotated = listed.slice(0, -1);
    const currentInfo = await stat(join(dir, currentTraceFile)).catch(() => undefined);
    if (this.#current && currentInfo?.ino !== this.#current.ino) await this.#retireCurrent(rotated);
    const onDisk = new Set(rotated.map((file) => baseOf(file)));
    for (const base of [...this.#rotated.keys()]) if (!onDisk.has(base)) this.#rotated.delete(base);
    for (const base of [...this.#leftOut]) if (!onDisk.has(base)) this.#leftOut.delete(base);
    // A rotated file that was plain may since have been compressed: read it where it is now.
    for (const file of rotated) {
      const segment = this.#rotated.get(baseOf(file));
      if (segment) Object.assign(segment, { path: file.path, gzip: file.gzip });
    }
    // Emptied in place (not how the writer works, but a person might): start that file over.
    if (this.#current && currentInfo && currentInfo.size < this.#current.indexedBytes) this.#current = undefined;
    if (currentInfo) {
      this.#current ??= new IndexSegment(currentTraceFile, join(dir, currentTraceFile), false, currentInfo.ino);
      await this.#catchUp(this.#current, { path: this.#current.path, gzip: false });
    }
    // New rotated files, newest first, so the bound keeps the newest.
    for (const file of [...rotated].reverse()) {
      const base = baseOf(file);
      if (this.#rotated.has(base) || this.#leftOut.has(base)) continue;
      if (this.#total() >= this.#options.maxRequests) {
        this.#leftOut.add(base);
        continue;
      }
      const segment = new IndexSegment(base, file.path, file.gzip);
      await this.#catchUp(segment, file);
      this.#rotated.set(base, segment);
    }
    this.#rotated = new Map([...this.#rotated].sort(([a], [b]) => onDiskOrder(rotated, a) - onDiskOrder(rotated, b)));
    this.#enforceBound();
  }

  /** `traces.jsonl` was renamed: its segment becomes the rotated file with its inode, read to its end; if it was already compressed, it is indexed afresh from the gzip. */
  async #retireCurrent(rotated: TraceFileEntry[]): Promise<void> {
    const retired = this.#current!;
    this.#current = undefined;
    for (const file of rotated) {
      if (file.gzip) continue;
      const info = await stat(file.path).catch(() => undefined);
      if (info?.ino !== retired.ino) continue;
      const base = baseOf(file);
      Object.assign(retired, { name: base, path: file.path, gzip: false, ino: undefined });
      await this.#catchUp(retired, file);
      this.#rotated.set(base, retired);
      return;
    }
  }

  async #catchUp(segment: IndexSegment, file: { path: string; gzip: boolean }): Promise<void> {
    const start = segment.indexedBytes;
    let source: AsyncIterable<Buffer>;
    try {
      if (file.gzip) {
        if (start > 0) return;
        const raw = createReadStream(file.path, { highWaterMark: readChunkBytes });
        const gunzip = createGunzip({ chunkSize: readChunkBytes });
        raw.on('error', (error) => gunzip.destroy(error));
        source = raw.pipe(gunzip);
      } else {
        source = createReadStream(file.path, { start, highWaterMark: readChunkBytes });
      }
      const scanned = await scanLineHeads(source, start, metadataHead, (head, offset, length) => {
        const line = head && parseHead(head, length);
        if (line) segment.add(line, this.strings, offset, length);
        else this.#linesSkipped++;
      });
      segment.indexedBytes = scanned.end;
    } catch (error) {
      // A file removed by retention mid-read, or a truncated gzip: what was read stays indexed.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.#linesSkipped++;
    }
  }

  #total(): number {
    return this.#segments().reduce((sum, segment) => sum + segment.count, 0);
  }

  /** Over the bound: let the oldest files go, then the oldest lines of what remains, with 10 % headroom so this is rare. */
  #enforceBound(): void {
    const { maxRequests } = this.#options;
    let excess = this.#total() - maxRequests;
    if (excess <= 0) return;
    excess += Math.floor(maxRequests / 10);
    for (const [base, segment] of this.#rotated) {
      if (segment.count > excess) break;
      this.#rotated.delete(base);
      this.#leftOut.add(base);
      excess -= segment.count;
    }
    const oldest = this.#rotated.values().next().value ?? this.#current;
    if (excess > 0 && oldest) oldest.discardFirst(Math.min(excess, oldest.count));
  }
}

function baseOf(file: TraceFileEntry): string {
  const name = file.path.slice(file.path.lastIndexOf('/') + 1);
  return file.gzip ? name.slice(0, -3) : name;
}

function onDiskOrder(rotated: TraceFileEntry[], base: string): number {
  return rotated.findIndex((file) => baseOf(file) === base);
}

/**
 * The metadata of a line ends where its first body starts: the writer puts
 * `request`, `response` and `dropped` last. Inside a JSON string every quote
 * is escaped, so `,"request":` can only be that key.
 */
const bodyMarkers = [Buffer.from(',"request":'), Buffer.from(',"response":'), Buffer.from(',"dropped":')];
const longestMarker = Math.max(...bodyMarkers.map((marker) => marker.length));

const metadataHead: HeadRule = {
  headEnd(collected, searchFrom, complete) {
    const from = Math.max(0, searchFrom - longestMarker);
    for (const marker of bodyMarkers) {
      const at = collected.indexOf(marker, from);
      if (at !== -1) return at;
    }
    return complete ? collected.length : undefined;
  },
  // Metadata is a few hundred bytes; an upstream error message or many warnings make it longer, never this long.
  maxHeadBytes: 1 << 20,
};

/** The indexed fields of a line's metadata, or undefined when it is not a trace line. */
export function parseHead(head: Buffer, lineLength: number): IndexedLine | undefined {
  let value: unknown;
  try {
    const text = head.toString('utf8');
    // Cut before a body, the head lacks its closing brace.
    value = JSON.parse(head.length < lineLength - 1 ? `${text}}` : text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const tsMs = typeof record.ts === 'string' ? Date.parse(record.ts) : Number.NaN;
  if (Number.isNaN(tsMs) || typeof record.id !== 'string') return undefined;
  const usage = objectOf(record.usage);
  const rule = objectOf(record.rule);
  const text = {} as Record<TextColumn, string | null>;
  for (const column of textColumns) text[column] = column === 'rule' ? textOf(rule?.match) : textOf(record[column]);
  return {
    tsMs,
    id: record.id,
    durationMs: numberOf(record.duration_ms) ?? 0,
    ttftMs: numberOf(record.ttft_ms) ?? null,
    status: numberOf(record.status) ?? 0,
    error: record.error !== null && record.error !== undefined,
    stream: record.stream === true,
    inputTokens: numberOf(usage?.input) ?? 0,
    outputTokens: numberOf(usage?.output) ?? 0,
    costUsd: numberOf(objectOf(record.cost)?.usd) ?? numberOf(record.cost) ?? null,
    text,
  };
}

/** Reads one whole line back by its offset and length (in a gzip: in the uncompressed bytes). */
async function readLineAt(segment: IndexSegment, offset: number, length: number): Promise<TraceRecord | undefined> {
  let bytes: Buffer;
  try {
    bytes = segment.gzip ? await readGzipRange(segment.path, offset, length) : await readPlainRange(segment.path, offset, length);
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(bytes.toString('utf8')) as TraceRecord;
  } catch {
    return undefined;
  }
}

async function readPlainRange(path: string, offset: number, length: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function readGzipRange(path: string, offset: number, length: number): Promise<Buffer> {
  const raw = createReadStream(path, { highWaterMark: readChunkBytes });
  const gunzip = createGunzip({ chunkSize: readChunkBytes });
  raw.on('error', (error) => gunzip.destroy(error));
  const pieces: Buffer[] = [];
  let position = 0;
  let collected = 0;
  try {
    for await (const chunk of raw.pipe(gunzip) as AsyncIterable<Buffer>) {
      const end = position + chunk.length;
      if (end > offset) {
        const piece = chunk.subarray(Math.max(0, offset - position), Math.min(chunk.length, offset + length - position));
        pieces.push(Buffer.from(piece));
        collected += piece.length;
        if (collected >= length) break;
      }
      position = end;
    }
  } finally {
    raw.destroy();
    gunzip.destroy();
  }
  return Buffer.concat(pieces);
}

/** A reusable cursor over one segment's columns. */
class SegmentRowView implements RowView {
  segment!: IndexSegment;
  row = 0;

  constructor(private readonly strings: StringTable) {}

  get tsMs(): number {
    return this.segment.ts[this.row]!;
  }
  get durationMs(): number {
    return this.segment.duration[this.row]!;
  }
  get ttftMs(): number {
    return this.segment.ttft[this.row]!;
  }
  get status(): number {
    return this.segment.status[this.row]!;
  }
  get failed(): boolean {
    return this.status >= 400 || (this.segment.flags[this.row]! & 1) === 1;
  }
  get inputTokens(): number {
    return this.segment.tokens[this.row * 2]!;
  }
  get outputTokens(): number {
    return this.segment.tokens[this.row * 2 + 1]!;
  }
  get costUsd(): number {
    return this.segment.cost[this.row]!;
  }
  textId(column: TextColumn): number {
    return this.segment.textId(this.row, columnIndex[column]);
  }
  text(column: TextColumn): string | null {
    return this.strings.text(this.textId(column));
  }
  line(): IndexedLine {
    const text = {} as Record<TextColumn, string | null>;
    for (const column of textColumns) text[column] = this.text(column);
    const ttft = this.ttftMs;
    const cost = this.costUsd;
    return {
      tsMs: this.tsMs,
      id: this.segment.idOf(this.row),
      durationMs: this.durationMs,
      ttftMs: Number.isNaN(ttft) ? null : ttft,
      status: this.status,
      error: (this.segment.flags[this.row]! & 1) === 1,
      stream: (this.segment.flags[this.row]! & 2) === 2,
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      costUsd: Number.isNaN(cost) ? null : cost,
      text,
    };
  }
}

function objectOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function textOf(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

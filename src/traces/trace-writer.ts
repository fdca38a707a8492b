import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResolvedTraces } from '../config/snapshot.js';
import { applyRetention, gzipTraceFile, recoverRotatedFiles, rotateTraceFile } from './rotate-trace-file.js';
import { parseTimestamp, scanTraceFile } from './scan-trace-file.js';
import { hasBodies, renderTraceLine, serializeTrace } from './serialize-trace.js';
import { currentTraceFile, msUntilNextPeriod, rotationPeriod } from './trace-files.js';
import { appendFlags, ensureTraceDir, fileIdentityAt, openTraceFile, type FileIdentity } from './trace-paths.js';
import type { TraceRecord } from './trace-record.js';

export interface TraceWriterOptions {
  /** The clock for rotation periods and retention; tests inject one. */
  now?: () => Date;
  /** Called once per distinct disk problem (and when writing works again); never per line. Defaults to a line on stderr. */
  onProblem?: (message: string) => void;
  /** Serialized lines held in memory while the disk catches up, in bytes. Past half of it new lines lose their bodies; past all of it whole lines are dropped. Default 64 MiB. */
  maxQueueBytes?: number;
  /** First wait after a failed disk write before trying again; doubles up to 30 s. Default 1000 ms. */
  retryDelayMs?: number;
}

export interface TraceWriterStats {
  linesWritten: number;
  /** Whole lines lost: queue full, unserializable record, or still queued at close() while the disk refused them. */
  linesDropped: number;
  /** Lines written without their bodies because the queue was full. */
  bodiesDropped: number;
  /** Bytes of lines waiting to be written. */
  queuedBytes: number;
  /** Failed attempts to write a batch (or to open, rotate or create the file) since the start. */
  writeFailures: number;
  /** The disk problem in force, if any. */
  lastError?: string;
  /** The file lines are appended to. */
  file: string;
}

interface QueuedLine {
  text: string;
  bytes: number;
  ts: string;
}

/** Lines taken from the queue for one append; `written` survives a failed write so the retry resumes where the disk stopped. */
interface Batch {
  lines: QueuedLine[];
  buffer: Buffer;
  written: number;
}

const defaultMaxQueueBytes = 64 * 1024 * 1024;
const maxBatchBytes = 4 * 1024 * 1024;
const maxRetryDelayMs = 30_000;

/**
 * Appends trace lines to `<dir>/traces.jsonl` off the request path.
 *
 * `write()` serializes the record at once and queues the line; one loop
 * appends the queue in batches of whole lines, one `write(2)` per batch, so
 * lines from concurrent requests never interleave and a killed process
 * leaves at most its last line incomplete. Before each batch the loop
 * rotates by size and by time; compressing and retention run in the
 * background after a rotation. Disk problems are reported once and retried;
 * they never reach the request.
 */
export class TraceWriter {
  #settings: ResolvedTraces;
  readonly #now: () => Date;
  readonly #onProblem: (message: string) => void;
  readonly #maxQueueBytes: number;
  readonly #retryDelayMs: number;

  #queue: QueuedLine[] = [];
  #queuedBytes = 0;
  #batch: Batch | undefined;
  /** Lost since the last line queued; the next line queued carries them as `dropped`. */
  #pendingDropped = { lines: 0, bodies: 0 };
  #linesQueued = 0;
  #linesWritten = 0;
  #linesDropped = 0;
  #bodiesDropped = 0;
  /** Queued lines given up at close(). */
  #linesDiscarded = 0;

  /** The folder whose `traces.jsonl` state below describes; undefined until first opened. */
  #dir: string | undefined;
  #handle: FileHandle | undefined;
  /** Which file `#handle` is; a `traces.jsonl` removed or replaced under it no longer matches. */
  #handleIdentity: FileIdentity | undefined;
  /** Set by `reopen()` (SIGHUP): the next batch opens `traces.jsonl` afresh. */
  #reopenRequested = false;
  #fileBytes = 0;
  #fileMinTs: string | undefined;
  #fileMaxTs: string | undefined;
  #filePeriod: string | undefined;

  #running: Promise<void> | undefined;
  #scheduled = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #retryDelay: number;
  #failures = 0;
  #writeFailures = 0;
  #lastError: string | undefined;
  readonly #reported = new Set<string>();
  #boundaryTimer: NodeJS.Timeout | undefined;
  #maintenance: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(settings: ResolvedTraces, options: TraceWriterOptions = {}) {
    this.#settings = settings;
    this.#now = options.now ?? (() => new Date());
    this.#onProblem = options.onProblem ?? ((message) => process.stderr.write(`switchboard traces: ${message}\n`));
    this.#maxQueueBytes = options.maxQueueBytes ?? defaultMaxQueueBytes;
    this.#retryDelayMs = options.retryDelayMs ?? 1000;
    this.#retryDelay = this.#retryDelayMs;
    // Adopt the folder now: a file from an earlier period rotates and unfinished gzips resume without waiting for traffic.
    if (settings.enabled) this.#start();
  }

  /** Queues one line. Never throws, never waits: the record is serialized now, written later. */
  write(record: TraceRecord): void {
    if (!this.#settings.enabled) return;
    if (this.#closed) {
      this.#linesDropped++;
      this.#report('closed', 'a trace line arrived after close() and was dropped');
      return;
    }
    let serialized;
    try {
      serialized = serializeTrace(record, this.#settings);
    } catch (error) {
      this.#dropLine();
      this.#report(`serialize:${describe(error)}`, `a trace record could not be serialized and was dropped: ${describe(error)}`);
      return;
    }
    const pending = this.#pendingDropped;
    const dropped = pending.lines > 0 || pending.bodies > 0 ? { ...pending } : undefined;
    let text = renderTraceLine(serialized, false, dropped);
    let bytes = Buffer.byteLength(text);
    let withoutBodies = false;
    // The upper half of the queue is kept for lines without bodies: under sustained pressure metadata keeps flowing.
    if (this.#queuedBytes + bytes > this.#maxQueueBytes / 2 && hasBodies(serialized)) {
      text = renderTraceLine(serialized, true, dropped);
      bytes = Buffer.byteLength(text);
      withoutBodies = true;
    }
    if (this.#queuedBytes + bytes > this.#maxQueueBytes) {
      this.#dropLine();
      return;
    }
    this.#pendingDropped = { lines: 0, bodies: withoutBodies ? 1 : 0 };
    if (withoutBodies) this.#bodiesDropped++;
    this.#queue.push({ text, bytes, ts: serialized.ts });
    this.#queuedBytes += bytes;
    this.#linesQueued++;
    this.#schedule();
  }

  /** Applies new settings (hot reload). Rotation limits apply from the next batch; a new folder gets the next batch, after the current one ends. */
  reconfigure(settings: ResolvedTraces): void {
    const previous = this.#settings;
    this.#settings = settings;
    if (previous.rotateEvery !== settings.rotateEvery) this.#clearBoundaryTimer();
    if (previous.maxFiles !== settings.maxFiles || previous.maxAgeDays !== settings.maxAgeDays) this.#maintain(() => this.#retention(settings.dir));
    this.#schedule();
  }

  /** Resolves when every line queued before the call is on disk, or when the disk refused them once more (they stay queued for the retry). */
  async flush(): Promise<void> {
    const target = this.#linesQueued;
    for (;;) {
      if (this.#running) {
        await this.#running;
        continue;
      }
      if (this.#linesWritten + this.#linesDiscarded >= target) return;
      const failures = this.#failures;
      this.#cancelRetry();
      this.#start();
      await this.#running;
      if (this.#failures > failures || (this.#queue.length === 0 && !this.#batch)) return;
    }
  }

  /** Flushes every queued line, waits for compression and retention in progress, and closes the file. Lines the disk still refuses are counted as dropped. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
    this.#cancelRetry();
    this.#clearBoundaryTimer();
    const unwritten = this.#queue.length + (this.#batch?.lines.length ?? 0);
    if (unwritten > 0) {
      this.#linesDropped += unwritten;
      this.#linesDiscarded += unwritten;
      this.#onProblem(`${unwritten} trace lines could not be written before close: ${this.#lastError ?? 'unknown error'}`);
      this.#queue = [];
      this.#batch = undefined;
      this.#queuedBytes = 0;
    }
    if (this.#handle) {
      await this.#handle.sync().catch(() => undefined);
      await this.#closeHandle();
    }
    await this.whenIdle();
  }

  /**
   * Closes the file so the next batch opens `traces.jsonl` afresh (SIGHUP, like `nginx -s reopen`, after
   * log rotation moved it). A file removed or replaced is also noticed without it, before every batch.
   */
  async reopen(): Promise<void> {
    this.#reopenRequested = true;
    while (this.#running) await this.#running;
    if (!this.#reopenRequested) return;
    this.#reopenRequested = false;
    await this.#closeHandle();
  }

  /** Resolves when background compression and retention have finished. */
  async whenIdle(): Promise<void> {
    for (;;) {
      const maintenance = this.#maintenance;
      await maintenance;
      if (this.#scheduled) await new Promise((resolve) => setImmediate(resolve));
      if (this.#running) await this.#running;
      if (maintenance === this.#maintenance && !this.#running && !this.#scheduled) return;
    }
  }

  stats(): TraceWriterStats {
    const stats: TraceWriterStats = {
      linesWritten: this.#linesWritten,
      linesDropped: this.#linesDropped,
      bodiesDropped: this.#bodiesDropped,
      queuedBytes: this.#queuedBytes,
      writeFailures: this.#writeFailures,
      file: join(this.#settings.dir, currentTraceFile),
    };
    if (this.#lastError !== undefined) stats.lastError = this.#lastError;
    return stats;
  }

  // ------------------------------------------------------------ write loop

  #dropLine(): void {
    this.#linesDropped++;
    this.#pendingDropped.lines++;
  }

  /** Runs the loop soon; lines written in the same tick share one batch. */
  #schedule(): void {
    if (this.#scheduled || this.#running || this.#retryTimer) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (!this.#running && !this.#retryTimer) this.#start();
    });
  }

  #start(): void {
    this.#running = this.#drain().finally(() => {
      this.#running = undefined;
      if ((this.#queue.length > 0 || this.#batch) && !this.#retryTimer) this.#schedule();
    });
  }

  async #drain(): Promise<void> {
    try {
      for (;;) {
        if (this.#dir !== undefined && this.#dir !== this.#settings.dir) await this.#leaveDir();
        if (this.#dir === undefined) await this.#adoptDir(this.#settings.dir);
        if (!this.#batch) {
          if (this.#fileBytes > 0 && this.#periodEnded()) {
            await this.#rotate();
            continue;
          }
          const first = this.#queue[0];
          if (!first) break;
          if (this.#fileBytes > 0 && this.#fileBytes + first.bytes > this.#settings.maxFileBytes) {
            await this.#rotate();
            continue;
          }
          this.#batch = this.#takeBatch();
        }
        await this.#writeBatch(this.#batch);
      }
      if (this.#failures > 0) this.#recovered();
      this.#armBoundaryTimer();
    } catch (error) {
      this.#failed(error);
    }
  }

  /** Whole lines from the queue that fit in the room left before `maxFileBytes` (at least one line). */
  #takeBatch(): Batch {
    const limit = Math.min(maxBatchBytes, this.#settings.maxFileBytes - this.#fileBytes);
    let count = 0;
    let bytes = 0;
    for (const line of this.#queue) {
      if (count > 0 && bytes + line.bytes > limit) break;
      count++;
      bytes += line.bytes;
    }
    const lines = this.#queue.splice(0, count);
    return { lines, buffer: Buffer.from(lines.map((line) => line.text).join('')), written: 0 };
  }

  async #writeBatch(batch: Batch): Promise<void> {
    const handle = (await this.#currentHandle()) ?? (await this.#openFile());
    while (batch.written < batch.buffer.length) {
      const { bytesWritten } = await handle.write(batch.buffer, batch.written, batch.buffer.length - batch.written);
      batch.written += bytesWritten;
      this.#fileBytes += bytesWritten;
    }
    this.#batch = undefined;
    this.#queuedBytes -= batch.lines.reduce((sum, line) => sum + line.bytes, 0);
    this.#linesWritten += batch.lines.length;
    this.#filePeriod ??= rotationPeriod(this.#now(), this.#settings.rotateEvery);
    for (const line of batch.lines) {
      const ts = parseTimestamp(line.ts);
      if (ts === undefined) continue;
      if (this.#fileMinTs === undefined || ts < this.#fileMinTs) this.#fileMinTs = ts;
      if (this.#fileMaxTs === undefined || ts > this.#fileMaxTs) this.#fileMaxTs = ts;
    }
  }

  #periodEnded(): boolean {
    const period = rotationPeriod(this.#now(), this.#settings.rotateEvery);
    return period !== undefined && this.#filePeriod !== undefined && period !== this.#filePeriod;
  }

  // ------------------------------------------------------------ files

  /**
   * Takes over a folder: creates it, learns the state of a `traces.jsonl`
   * left by an earlier run (rotating it if it belongs to an earlier period),
   * and starts recovery of rotated files in the background.
   */
  async #adoptDir(dir: string): Promise<void> {
    await ensureTraceDir(dir, this.#settings.root ?? dir);
    this.#fileBytes = 0;
    this.#fileMinTs = undefined;
    this.#fileMaxTs = undefined;
    this.#filePeriod = undefined;
    try {
      const scan = await scanTraceFile(join(dir, currentTraceFile));
      this.#fileBytes = scan.size;
      this.#fileMinTs = scan.minTs;
      this.#fileMaxTs = scan.maxTs;
      // The file's period is its earliest line's; one from an earlier period rotates before the first new line.
      if (scan.size > 0) this.#filePeriod = rotationPeriod(new Date(scan.minTs ?? this.#now().toISOString()), this.#settings.rotateEvery);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    this.#dir = dir;
    const gzip = this.#settings.gzip;
    this.#maintain(async () => {
      for (const name of await recoverRotatedFiles(dir, gzip)) await gzipTraceFile(dir, name);
      await this.#retention(dir);
    });
  }

  /** The folder changed on reload: the batch in progress restarts at a line boundary in the new folder. */
  async #leaveDir(): Promise<void> {
    await this.#closeHandle();
    if (this.#batch) this.#batch.written = lineStart(this.#batch.buffer, this.#batch.written);
    this.#dir = undefined;
  }

  /**
   * Opens `traces.jsonl` for appending. If the file does not end where this
   * writer left it mid-line (a killed process, a write that failed half-way
   * into a file since replaced), the torn line is ended with a newline and the
   * batch restarts at its line start, so the next line is never glued to a
   * fragment.
   */
  async #openFile(): Promise<FileHandle> {
    const dir = this.#dir!;
    // The folder may be gone (removed by hand, or the config folder re-created): make it again, checked again.
    await ensureTraceDir(dir, this.#settings.root ?? dir);
    const { handle, identity } = await openTraceFile(join(dir, currentTraceFile), appendFlags);
    try {
      const { size } = await handle.stat();
      const resumesLine = this.#batch !== undefined && size === this.#fileBytes && lineStart(this.#batch.buffer, this.#batch.written) !== this.#batch.written;
      if (size > 0 && !resumesLine) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) await handle.write('\n');
      }
      if (this.#batch && !resumesLine) this.#batch.written = lineStart(this.#batch.buffer, this.#batch.written);
      if (size === 0 && this.#fileBytes > 0) {
        // Someone removed or emptied the file; start its bookkeeping afresh.
        this.#fileMinTs = undefined;
        this.#fileMaxTs = undefined;
        this.#filePeriod = undefined;
      }
      this.#fileBytes = (await handle.stat()).size;
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
    this.#handle = handle;
    this.#handleIdentity = identity;
    return handle;
  }

  /**
   * The open handle, if it still is `traces.jsonl`: one lstat per batch notices a file removed, renamed
   * or replaced under the writer (lines would otherwise go into an unlinked file and be lost).
   */
  async #currentHandle(): Promise<FileHandle | undefined> {
    if (!this.#handle) return undefined;
    const atPath = this.#reopenRequested ? undefined : await fileIdentityAt(join(this.#dir!, currentTraceFile));
    if (atPath && atPath.dev === this.#handleIdentity?.dev && atPath.ino === this.#handleIdentity.ino) return this.#handle;
    this.#reopenRequested = false;
    await this.#closeHandle();
    return undefined;
  }

  async #closeHandle(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    this.#handleIdentity = undefined;
    await handle?.close().catch(() => undefined);
  }

  async #rotate(): Promise<void> {
    const dir = this.#dir!;
    await this.#closeHandle();
    const fallback = this.#now().toISOString();
    let rotated: string | undefined;
    try {
      rotated = await rotateTraceFile(dir, this.#fileMinTs ?? fallback, this.#fileMaxTs ?? fallback);
    } catch (error) {
      // Someone removed traces.jsonl: there is nothing left to rotate.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    this.#fileBytes = 0;
    this.#fileMinTs = undefined;
    this.#fileMaxTs = undefined;
    this.#filePeriod = undefined;
    if (rotated === undefined) return;
    const name = rotated;
    const gzip = this.#settings.gzip;
    this.#maintain(async () => {
      if (gzip) await gzipTraceFile(dir, name);
      await this.#retention(dir);
    });
  }

  async #retention(dir: string): Promise<void> {
    await applyRetention(dir, { maxFiles: this.#settings.maxFiles, maxAgeDays: this.#settings.maxAgeDays, now: this.#now() });
  }

  /** Compression and retention run one at a time, beside the write loop, never delaying a batch. */
  #maintain(task: () => Promise<void>): void {
    this.#maintenance = this.#maintenance.then(task).catch((error: unknown) => {
      this.#report(`maintenance:${describe(error)}`, `compressing or removing rotated trace files failed: ${describe(error)}`);
    });
  }

  // ------------------------------------------------------------ failures and timers

  #failed(error: unknown): void {
    this.#failures++;
    this.#writeFailures++;
    const message = describe(error);
    this.#lastError = message;
    this.#report(`disk:${message}`, `cannot write trace lines to ${join(this.#settings.dir, currentTraceFile)}: ${message}; lines stay queued (${this.#queuedBytes} bytes) and are retried in ${this.#retryDelay} ms`);
    void this.#closeHandle();
    if (this.#closed) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#schedule();
    }, this.#retryDelay);
    this.#retryTimer.unref();
    this.#retryDelay = Math.min(this.#retryDelay * 2, maxRetryDelayMs);
  }

  #recovered(): void {
    this.#onProblem(`trace lines are written to ${join(this.#settings.dir, currentTraceFile)} again after ${this.#failures} failed attempts; ${this.#linesDropped} lines and ${this.#bodiesDropped} bodies dropped so far`);
    this.#failures = 0;
    this.#lastError = undefined;
    this.#retryDelay = this.#retryDelayMs;
    this.#reported.clear();
  }

  #report(key: string, message: string): void {
    if (this.#reported.has(key)) return;
    this.#reported.add(key);
    this.#onProblem(message);
  }

  #cancelRetry(): void {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  /** Wakes the loop at the next UTC hour or day so an idle gateway still rotates on time. */
  #armBoundaryTimer(): void {
    const every = this.#settings.rotateEvery;
    if (every === 'never' || this.#boundaryTimer || this.#closed || this.#fileBytes === 0) return;
    const delay = Math.min(Math.max(msUntilNextPeriod(this.#now(), every) + 50, 1000), 3_600_000);
    this.#boundaryTimer = setTimeout(() => {
      this.#boundaryTimer = undefined;
      this.#schedule();
    }, delay);
    this.#boundaryTimer.unref();
  }

  #clearBoundaryTimer(): void {
    if (this.#boundaryTimer) clearTimeout(this.#boundaryTimer);
    this.#boundaryTimer = undefined;
  }
}

/** Offset of the start of the line that `offset` falls in. */
function lineStart(buffer: Buffer, offset: number): number {
  return offset === 0 ? 0 : buffer.lastIndexOf(0x0a, offset - 1) + 1;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

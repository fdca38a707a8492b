import type { StringTable } from './string-table.js';

/** The text fields of a row, in their column order. */
export const textColumns = ['key', 'profile', 'model', 'upstream_model', 'provider', 'session', 'agent', 'parent_agent', 'kind', 'rule'] as const;
export type TextColumn = (typeof textColumns)[number];

/** What the index keeps of one trace line: its metadata, never its bodies. */
export interface IndexedLine {
  tsMs: number;
  id: string;
  durationMs: number;
  ttftMs: number | null;
  status: number;
  /** The line recorded an error (besides its status). */
  error: boolean;
  stream: boolean;
  inputTokens: number;
  outputTokens: number;
  /** US dollars; null when the line has no cost. */
  costUsd: number | null;
  text: Record<TextColumn, string | null>;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const initialRows = 256;

/**
 * The indexed lines of one trace file, column by column in typed arrays
 * (about 100 bytes a line): a million requests take about 100 MB instead of
 * the gigabytes their JSON objects would. Request ids, random UUIDs, are
 * kept as 16 bytes; any other id in a side map. Rows are in file order,
 * which is the order requests ended.
 */
export class IndexSegment {
  count = 0;
  /** Bytes of the file indexed so far: the next read starts here. */
  indexedBytes = 0;
  minTs = Infinity;
  maxTs = -Infinity;
  #capacity = 0;
  ts = new Float64Array(0);
  duration = new Float32Array(0);
  ttft = new Float32Array(0);
  status = new Uint16Array(0);
  /** Bit 0: error recorded; bit 1: streamed. */
  flags = new Uint8Array(0);
  /** Input and output tokens, two per row. */
  tokens = new Uint32Array(0);
  cost = new Float64Array(0);
  /** `textColumns.length` string-table ids per row; 0 is null. */
  text = new Uint32Array(0);
  offset = new Float64Array(0);
  length = new Uint32Array(0);
  #ids = new Uint8Array(0);
  readonly #otherIds = new Map<number, string>();

  constructor(
    /** The file name (for a rotated file, without `.gz`: the plain file and its gzip are one segment). */
    public name: string,
    public path: string,
    public gzip: boolean,
    /** Inode of `traces.jsonl` while this segment is the current file. */
    public ino?: number,
  ) {}

  add(line: IndexedLine, strings: StringTable, offset: number, length: number): void {
    if (this.count === this.#capacity) this.#grow();
    const row = this.count++;
    this.ts[row] = line.tsMs;
    this.duration[row] = line.durationMs;
    this.ttft[row] = line.ttftMs ?? Number.NaN;
    this.status[row] = line.status;
    this.flags[row] = (line.error ? 1 : 0) | (line.stream ? 2 : 0);
    this.tokens[row * 2] = line.inputTokens;
    this.tokens[row * 2 + 1] = line.outputTokens;
    this.cost[row] = line.costUsd ?? Number.NaN;
    for (let column = 0; column < textColumns.length; column++) this.text[row * textColumns.length + column] = strings.idOf(line.text[textColumns[column]!]);
    this.offset[row] = offset;
    this.length[row] = length;
    this.#setId(row, line.id);
    if (line.tsMs < this.minTs) this.minTs = line.tsMs;
    if (line.tsMs > this.maxTs) this.maxTs = line.tsMs;
  }

  textId(row: number, column: number): number {
    return this.text[row * textColumns.length + column]!;
  }

  idOf(row: number): string {
    const other = this.#otherIds.get(row);
    if (other !== undefined) return other;
    const hex = Buffer.from(this.#ids.buffer, this.#ids.byteOffset + row * 16, 16).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /** Rows whose id is `id`. */
  rowsWithId(id: string): number[] {
    const rows: number[] = [];
    if (!uuidPattern.test(id)) {
      for (const [row, other] of this.#otherIds) if (other === id) rows.push(row);
      return rows;
    }
    const wanted = Buffer.from(id.replaceAll('-', ''), 'hex');
    const first = wanted.readUInt32LE(0);
    const view = new DataView(this.#ids.buffer, this.#ids.byteOffset, this.#ids.byteLength);
    for (let row = 0; row < this.count; row++) {
      if (view.getUint32(row * 16, true) !== first || this.#otherIds.has(row)) continue;
      if (wanted.equals(this.#ids.subarray(row * 16, row * 16 + 16))) rows.push(row);
    }
    return rows;
  }

  /** Lets the first (oldest) `rows` go, keeping the rest in order. */
  discardFirst(rows: number): void {
    const keep = this.count - rows;
    const shift = (array: Float64Array | Float32Array | Uint32Array | Uint16Array | Uint8Array, perRow = 1): void => {
      array.copyWithin(0, rows * perRow, this.count * perRow);
    };
    for (const array of [this.ts, this.duration, this.ttft, this.status, this.flags, this.cost, this.offset, this.length]) shift(array);
    shift(this.tokens, 2);
    shift(this.text, textColumns.length);
    shift(this.#ids, 16);
    const others = [...this.#otherIds].filter(([row]) => row >= rows);
    this.#otherIds.clear();
    for (const [row, id] of others) this.#otherIds.set(row - rows, id);
    this.count = keep;
    this.minTs = Infinity;
    this.maxTs = -Infinity;
    for (let row = 0; row < keep; row++) {
      this.minTs = Math.min(this.minTs, this.ts[row]!);
      this.maxTs = Math.max(this.maxTs, this.ts[row]!);
    }
  }

  /** Bytes the columns take. */
  get memoryBytes(): number {
    return this.#capacity * (8 + 4 + 4 + 2 + 1 + 8 + 8 + 4 * textColumns.length + 8 + 4 + 16);
  }

  #setId(row: number, id: string): void {
    if (uuidPattern.test(id)) this.#ids.set(Buffer.from(id.replaceAll('-', ''), 'hex'), row * 16);
    else this.#otherIds.set(row, id);
  }

  #grow(): void {
    const capacity = Math.max(initialRows, this.#capacity * 2);
    const grow = <T extends Float64Array | Float32Array | Uint32Array | Uint16Array | Uint8Array>(old: T, make: (size: number) => T, perRow = 1): T => {
      const next = make(capacity * perRow);
      next.set(old);
      return next;
    };
    this.ts = grow(this.ts, (size) => new Float64Array(size));
    this.duration = grow(this.duration, (size) => new Float32Array(size));
    this.ttft = grow(this.ttft, (size) => new Float32Array(size));
    this.status = grow(this.status, (size) => new Uint16Array(size));
    this.flags = grow(this.flags, (size) => new Uint8Array(size));
    this.tokens = grow(this.tokens, (size) => new Uint32Array(size), 2);
    this.cost = grow(this.cost, (size) => new Float64Array(size));
    this.text = grow(this.text, (size) => new Uint32Array(size), textColumns.length);
    this.offset = grow(this.offset, (size) => new Float64Array(size));
    this.length = grow(this.length, (size) => new Uint32Array(size));
    this.#ids = grow(this.#ids, (size) => new Uint8Array(size), 16);
    this.#capacity = capacity;
  }
}

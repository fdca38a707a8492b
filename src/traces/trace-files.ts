import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';

/** The file the writer appends to. */
export const currentTraceFile = 'traces.jsonl';

/** A rotated file: `traces-<first>_<last>[-N].jsonl[.gz]`, times in the compact UTC form `20261124T072000Z`. */
export interface RotatedTraceFile {
  /** File name inside the traces folder. */
  name: string;
  /** Name without `.gz`: a plain file and its gzip are one rotated file. */
  base: string;
  /** Earliest line `ts`, rounded down to the second (ISO 8601). */
  first: string;
  /** Latest line `ts`, rounded down to the second (ISO 8601). */
  last: string;
  /** Tie-breaker for two rotations with the same time range. */
  sequence: number;
  gzip: boolean;
}

const rotatedPattern = /^traces-(\d{8}T\d{6}Z)_(\d{8}T\d{6}Z)(?:-(\d+))?\.jsonl(\.gz)?$/;

/** `2026-11-24T07:20:00.123Z` -> `20261124T072000Z`: sortable and safe in every file system. */
export function compactTimestamp(iso: string): string {
  const date = new Date(iso);
  const valid = Number.isNaN(date.getTime()) ? new Date(0) : date;
  return valid.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/** `20261124T072000Z` -> `2026-11-24T07:20:00.000Z`. */
export function expandTimestamp(compact: string): string {
  return `${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6, 8)}T${compact.slice(9, 11)}:${compact.slice(11, 13)}:${compact.slice(13, 15)}.000Z`;
}

export function rotatedTraceFileName(first: string, last: string, sequence: number): string {
  return `traces-${compactTimestamp(first)}_${compactTimestamp(last)}${sequence > 0 ? `-${sequence}` : ''}.jsonl`;
}

export function parseRotatedTraceFileName(name: string): RotatedTraceFile | undefined {
  const match = rotatedPattern.exec(name);
  if (!match) return undefined;
  const gzip = match[4] !== undefined;
  return {
    name,
    base: gzip ? name.slice(0, -3) : name,
    first: expandTimestamp(match[1]!),
    last: expandTimestamp(match[2]!),
    sequence: match[3] === undefined ? 0 : Number(match[3]),
    gzip,
  };
}

/** Oldest first: by first time, then last time, then sequence. */
export function compareRotated(a: RotatedTraceFile, b: RotatedTraceFile): number {
  if (a.first !== b.first) return a.first < b.first ? -1 : 1;
  if (a.last !== b.last) return a.last < b.last ? -1 : 1;
  return a.sequence - b.sequence;
}

/**
 * Rotated files in a folder, oldest first, one entry per rotated file: when
 * both `X.jsonl` and `X.jsonl.gz` exist (a crash between finishing the gzip
 * and removing the plain file) the gzip is complete, and either may be read.
 * Both names are in `names`. Entries that are not regular files (links, folders) are not listed.
 */
export async function listRotatedTraceFiles(dir: string): Promise<Array<RotatedTraceFile & { names: string[] }>> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const byBase = new Map<string, RotatedTraceFile & { names: string[] }>();
  for (const dirent of entries) {
    // Only regular files: a link named like a rotated file is never read, compressed or deleted.
    if (!dirent.isFile()) continue;
    const entry = dirent.name;
    const file = parseRotatedTraceFileName(entry);
    if (!file) continue;
    const existing = byBase.get(file.base);
    if (existing) {
      existing.names.push(entry);
      // Prefer the plain file: no decompression needed.
      if (existing.gzip && !file.gzip) Object.assign(existing, { name: file.name, gzip: false });
    } else {
      byBase.set(file.base, { ...file, names: [entry] });
    }
  }
  return [...byBase.values()].sort(compareRotated);
}

/** The rotation period a time falls in, as a comparable key; undefined when rotation is by size only. */
export function rotationPeriod(time: Date, every: 'hourly' | 'daily' | 'never'): string | undefined {
  if (every === 'never') return undefined;
  const iso = time.toISOString();
  return every === 'hourly' ? iso.slice(0, 13) : iso.slice(0, 10);
}

/** Milliseconds from `time` to the start of the next rotation period. */
export function msUntilNextPeriod(time: Date, every: 'hourly' | 'daily'): number {
  const next = new Date(time.getTime());
  if (every === 'hourly') next.setUTCHours(next.getUTCHours() + 1, 0, 0, 0);
  else next.setUTCHours(24, 0, 0, 0);
  return next.getTime() - time.getTime();
}

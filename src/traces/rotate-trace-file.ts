import { constants } from 'node:fs';
import { open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { currentTraceFile, listRotatedTraceFiles, rotatedTraceFileName } from './trace-files.js';
import { openTraceFile } from './trace-paths.js';

const gzipTemporarySuffix = '.gz.tmp';

/**
 * Renames `traces.jsonl` to `traces-<first>_<last>.jsonl` (a sequence number
 * is added when that name, plain or gzipped, is taken). The writer has closed
 * the file before, so no line can land in it afterwards. Returns the new name.
 */
export async function rotateTraceFile(dir: string, firstTs: string, lastTs: string): Promise<string> {
  for (let sequence = 0; ; sequence++) {
    const name = rotatedTraceFileName(firstTs, lastTs, sequence);
    if ((await exists(join(dir, name))) || (await exists(join(dir, `${name}.gz`)))) continue;
    await rename(join(dir, currentTraceFile), join(dir, name));
    return name;
  }
}

/**
 * Compresses a rotated file to `<name>.gz`. The gzip is written to a
 * temporary name, fsynced, renamed into place, and only then is the plain
 * file removed: a crash at any point leaves either the complete plain file or
 * the complete gzip (or both), never neither. Neither file is opened through
 * a symbolic link, and a source that is not a regular file is left alone.
 */
export async function gzipTraceFile(dir: string, name: string): Promise<void> {
  const source = join(dir, name);
  const temporary = `${source}${gzipTemporarySuffix}`;
  let created = false;
  try {
    const input = (await openTraceFile(source, constants.O_RDONLY)).handle;
    let output: FileHandle;
    try {
      output = (await openTraceFile(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL)).handle;
    } catch (error) {
      await input.close();
      throw error;
    }
    created = true;
    // Both streams close their handles when done.
    await pipeline(input.createReadStream(), createGzip(), output.createWriteStream());
    const written = (await openTraceFile(temporary, constants.O_RDONLY)).handle;
    try {
      await written.sync();
    } finally {
      await written.close();
    }
  } catch (error) {
    if (created) await rm(temporary, { force: true });
    // Retention may have removed it while it waited its turn.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  await rename(temporary, `${source}.gz`);
  await syncPath(dir, 'r');
  await rm(source);
}

/**
 * Tidies what a crash may have left: unfinished gzips are removed, and plain
 * files whose gzip is complete are removed. Returns the plain rotated files
 * still to compress (all of them when `gzip` is on, else none).
 */
export async function recoverRotatedFiles(dir: string, gzip: boolean): Promise<string[]> {
  for (const entry of await readdir(dir)) {
    if (entry.startsWith('traces-') && entry.endsWith(gzipTemporarySuffix)) await rm(join(dir, entry), { force: true });
  }
  const pending: string[] = [];
  for (const file of await listRotatedTraceFiles(dir)) {
    if (file.names.length > 1) await rm(join(dir, file.base), { force: true });
    else if (gzip && !file.gzip) pending.push(file.name);
  }
  return pending;
}

/**
 * Deletes rotated files whose newest line is older than `maxAgeDays`, then
 * the oldest ones beyond `maxFiles`. A plain file and its gzip count as one.
 * Returns the deleted names.
 */
export async function applyRetention(dir: string, limits: { maxFiles: number; maxAgeDays: number; now: Date }): Promise<string[]> {
  const files = await listRotatedTraceFiles(dir);
  const oldestKept = limits.now.getTime() - limits.maxAgeDays * 86_400_000;
  const expired = files.filter((file) => Date.parse(file.last) < oldestKept);
  const kept = files.filter((file) => !expired.includes(file));
  const doomed = [...expired, ...kept.slice(0, Math.max(0, kept.length - limits.maxFiles))];
  const deleted: string[] = [];
  for (const file of doomed) {
    for (const name of file.names) {
      await rm(join(dir, name), { force: true });
      deleted.push(name);
    }
  }
  return deleted;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function syncPath(path: string, flags: 'r' | 'r+'): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

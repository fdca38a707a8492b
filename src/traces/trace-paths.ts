import { constants } from 'node:fs';
import { lstat, mkdir, open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/** Trace lines hold prompts and answers: readable by the gateway's user only, whatever the umask. */
export const traceFileMode = 0o600;
export const traceDirMode = 0o700;

/**
 * Creates `dir` below `root`, one folder at a time (0700), and refuses a
 * component that is a symbolic link or not a folder. `root` is the config
 * folder for a relative `traces.dir`, which a pull request can hold; a link
 * committed there must not turn trace writes into writes anywhere the
 * gateway may write. `root` itself (an absolute `traces.dir`, or the config
 * folder that git-sync swaps as a link) is the operator's and is followed.
 */
export async function ensureTraceDir(dir: string, root: string): Promise<void> {
  const relative = path.relative(root, dir);
  if (relative.startsWith('..') || path.isAbsolute(relative)) throw new Error(`the traces folder ${dir} is outside ${root}; give an absolute traces.dir for a folder elsewhere`);
  await mkdir(root, { recursive: true, mode: traceDirMode });
  let current = root;
  for (const part of relative.split(path.sep).filter((segment) => segment !== '')) {
    current = path.join(current, part);
    try {
      await mkdir(current, { mode: traceDirMode });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const stats = await lstat(current);
    if (stats.isSymbolicLink()) throw new Error(`${current} is a symbolic link; trace files are written only inside ${root}`);
    if (!stats.isDirectory()) throw new Error(`${current} is not a folder`);
  }
}

/** Which file a handle or path is: a file removed or replaced under the writer has another identity, or none. */
export interface FileIdentity {
  dev: number;
  ino: number;
}

/** The identity of the regular file at `file` (not following a link), or undefined when there is none. */
export async function fileIdentityAt(file: string): Promise<FileIdentity | undefined> {
  try {
    const stats = await lstat(file);
    return stats.isFile() ? { dev: stats.dev, ino: stats.ino } : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Opens a file of the traces folder without following a symbolic link (a
 * link in its place fails, instead of appending to or reading whatever it
 * points to), and refuses anything that is not a regular file (a FIFO, a
 * device). New files are created 0600.
 */
export async function openTraceFile(file: string, flags: number): Promise<{ handle: FileHandle; identity: FileIdentity }> {
  let handle: FileHandle;
  try {
    handle = await open(file, flags | constants.O_NOFOLLOW, traceFileMode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new Error(`${file} is a symbolic link; trace files are regular files and are not written or read through links`);
    throw error;
  }
  const stats = await handle.stat();
  if (!stats.isFile()) {
    await handle.close();
    throw new Error(`${file} is not a regular file; it is left alone`);
  }
  return { handle, identity: { dev: stats.dev, ino: stats.ino } };
}

/** `O_RDWR | O_APPEND | O_CREAT`: the writer appends, and reads the last byte to end a torn line. */
export const appendFlags = constants.O_RDWR | constants.O_APPEND | constants.O_CREAT;

import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const repoRoot = join(import.meta.dirname, '..', '..');

/**
 * Child-process tests run the compiled code in dist/. `npm test` builds
 * first; when a single test file runs alone, build here if dist is older
 * than the sources it needs. tsc may exit non-zero for files other teams are
 * still writing; it emits anyway.
 */
export async function ensureBuilt(sources: string[], compiled: string[]): Promise<void> {
  const newest = Math.max(...(await Promise.all(sources.map(async (path) => (await stat(join(repoRoot, path))).mtimeMs))));
  const oldest = Math.min(...(await Promise.all(compiled.map(async (path) => (await stat(join(repoRoot, path)).catch(() => ({ mtimeMs: 0 }))).mtimeMs))));
  if (oldest >= newest) return;
  await promisify(execFile)('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: repoRoot }).catch(() => undefined);
}

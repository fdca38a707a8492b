import { execFile } from 'node:child_process';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const repoRoot = join(import.meta.dirname, '..', '..');

const lockDir = join(repoRoot, 'dist', '.traces-test-build.lock');

/**
 * Child-process tests run the compiled code in dist/. `npm test` builds
 * first; when trace tests run alone after a source change, build here. Test
 * files run in parallel, so one builds under a lock while the others wait
 * (a half-written dist/ would fail them). tsc may exit non-zero for files
 * other teams are still writing; it emits anyway.
 */
export async function ensureBuilt(): Promise<void> {
  if (!(await distIsStale())) return;
  await mkdir(join(repoRoot, 'dist'), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch {
      if (Date.now() > deadline) await rm(lockDir, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    if (await distIsStale()) await promisify(execFile)('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: repoRoot }).catch(() => undefined);
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

async function distIsStale(): Promise<boolean> {
  const sources = [...(await readdir(join(repoRoot, 'src/traces'))).filter((name) => name.endsWith('.ts')).map((name) => `traces/${name}`), 'cli/traces-command.ts', 'cli/main.ts', 'canonical/accumulate-stream.ts'];
  const mtime = async (path: string): Promise<number> => (await stat(path).catch(() => ({ mtimeMs: 0 }))).mtimeMs;
  const newestSource = Math.max(...(await Promise.all(sources.map((source) => mtime(join(repoRoot, 'src', source))))));
  const oldestCompiled = Math.min(...(await Promise.all(sources.map((source) => mtime(join(repoRoot, 'dist', source.replace(/\.ts$/, '.js')))))));
  return oldestCompiled < newestSource;
}

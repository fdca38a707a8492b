import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A small valid config; tests replace one file with a broken variant. */
export const validFiles = {
  'gateway.yaml': `providers:
  mock:
    format: mock
  deepseek:
    format: openai-chat
    base_url: https://api.deepseek.com
    api_key: \${DEEPSEEK_API_KEY}
keys:
  alice:
    sha256: ${sha256('sb-test-alice')}
    profile: team
`,
  'profiles/team.yaml': `rules:
  - model: claude-sonnet-4-5
    to: deepseek/deepseek-chat
  - model_regex: ^claude-opus-(.+)$
    to: mock/opus-$1
tests:
  - model: claude-sonnet-4-5
    expect: deepseek/deepseek-chat
`,
};

/** Environment in which the valid config has no warnings. */
export const testEnv = { DEEPSEEK_API_KEY: 'sk-test' };

const temporaryDirs: string[] = [];

/** Writes `files` (relative path → text) into a new folder under the OS temp dir (outside any git checkout). */
export async function writeConfigDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'switchboard-config-'));
  temporaryDirs.push(dir);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  return dir;
}

export async function removeConfigDirs(): Promise<void> {
  await Promise.all(temporaryDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `bin/switchboard.js`, as CI would. */
export function runCli(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(packageRoot, 'bin/switchboard.js'), ...args],
      { cwd: options.cwd ?? packageRoot, env: { PATH: process.env.PATH ?? '', ...options.env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * bin/switchboard.js runs dist/. `npm test` builds first; a bare
 * `vitest run test/config` builds here when a config or CLI source is newer
 * than its compiled file. Other folders' half-written files may make tsc exit
 * non-zero while it still emits ours, so only the output matters.
 */
export function ensureBuilt(): void {
  const stale = ['src/config', 'src/cli'].some((folder) =>
    readdirSync(path.join(packageRoot, folder))
      .filter((name) => name.endsWith('.ts'))
      .some((name) => {
        const compiled = path.join(packageRoot, 'dist', folder.slice(4), name.replace(/\.ts$/, '.js'));
        try {
          return statSync(compiled).mtimeMs < statSync(path.join(packageRoot, folder, name)).mtimeMs;
        } catch {
          return true;
        }
      }),
  );
  if (!stale) return;
  try {
    execFileSync(process.execPath, [path.join(packageRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: packageRoot, stdio: 'ignore' });
  } catch {
    // Emitted anyway; see above.
  }
}

export async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

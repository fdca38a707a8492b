import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../helpers/gateway-under-test.js';

/** True when `command` runs on this machine (kubectl, actionlint, docker...). */
export function commandAvailable(command: string, args: string[] = ['--version']): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore', timeout: 10_000 });
  return result.error === undefined && result.status === 0;
}

/** Runs git in `cwd` with a fixed identity, so tests do not depend on the machine's git config. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Switchboard Test', '-c', 'user.email=test@switchboard.invalid', '-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Stages everything in the repository and commits it; returns the short commit hash. */
export function commitAll(cwd: string, message: string): string {
  git(cwd, 'add', '-A');
  git(cwd, 'commit', '-q', '-m', message);
  return git(cwd, 'rev-parse', '--short', 'HEAD').trim();
}

/** Runs the compiled CLI (`node bin/switchboard.js`) to its end. */
export function runCli(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(repoRoot, 'bin/switchboard.js'), ...args], { cwd, encoding: 'utf8', timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

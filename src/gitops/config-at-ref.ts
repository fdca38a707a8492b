import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type LoadOptions, type LoadResult } from '../config/load-config.js';

/** The config of a folder as it was at a git revision. */
export interface ConfigAtRef {
  /** The revision as asked for (`origin/main`). */
  ref: string;
  /** Its commit, short. */
  commit: string;
  result: LoadResult;
}

/** A git failure the user can act on: an unknown ref, a folder outside any repository. */
export class GitRefError extends Error {}

/**
 * Loads the config folder `configDir` as committed at `ref`, with the same
 * loader `serve` and `check` use. The folder's `gateway.yaml` and
 * `profiles/*` are copied out of git (`git cat-file`, so no checkout and no
 * change to the work tree) into a temporary folder that is removed after
 * the load.
 */
export async function loadConfigAtRef(configDir: string, ref: string, options: LoadOptions = {}): Promise<ConfigAtRef> {
  const absoluteDir = path.resolve(configDir);
  const toplevel = (await runGit(absoluteDir, ['rev-parse', '--show-toplevel']).catch(() => {
    throw new GitRefError(`${absoluteDir} is not inside a git repository`);
  })).trim();
  const prefix = (await runGit(absoluteDir, ['rev-parse', '--show-prefix'])).trim();
  const commit = (await runGit(toplevel, ['rev-parse', '--verify', '--quiet', '--short', `${ref}^{commit}`]).catch(() => {
    throw new GitRefError(`git does not know the revision "${ref}" (for a pull request's base, fetch it first: git fetch origin main)`);
  })).trim();
  const files = await listConfigFiles(toplevel, commit, prefix);
  const exported = await mkdtemp(path.join(tmpdir(), 'switchboard-ref-'));
  try {
    for (const file of files) {
      const target = path.join(exported, file.slice(prefix.length));
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, await runGit(toplevel, ['cat-file', 'blob', `${commit}:${file}`]));
    }
    return { ref, commit, result: await loadConfig(exported, options) };
  } finally {
    await rm(exported, { recursive: true, force: true });
  }
}

/** Repository paths of `gateway.yaml` and the files directly under `profiles/` of the config folder at `commit`. */
async function listConfigFiles(toplevel: string, commit: string, prefix: string): Promise<string[]> {
  const listing = await runGit(toplevel, ['ls-tree', '-z', '--name-only', commit, '--', `${prefix}gateway.yaml`, `${prefix}profiles/`]);
  return listing.split('\0').filter((file) => file !== '' && (file === `${prefix}gateway.yaml` || /\.ya?ml$/.test(file)));
}

function runGit(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, windowsHide: true }, (error, stdout, stderr) => {
      if (error) reject(new GitRefError(`git ${args[0]} failed: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

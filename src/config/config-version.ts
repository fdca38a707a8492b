import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { ConfigSourceFile } from './read-config-folder.js';

export interface ConfigVersion {
  /** `<contentHash>` or `<contentHash>@<commit>`. */
  version: string;
  contentHash: string;
  commit?: string;
}

/**
 * Names the revision being served. The content hash changes exactly when a
 * file changes (whatever the deployment tool did to timestamps); the commit,
 * when the folder is a git checkout, lets an operator find the change in history.
 */
export async function configVersion(files: readonly ConfigSourceFile[], resolvedDir: string): Promise<ConfigVersion> {
  const contentHash = hashFiles(files);
  const commit = await gitCommit(resolvedDir);
  return commit === undefined ? { version: contentHash, contentHash } : { version: `${contentHash}@${commit}`, contentHash, commit };
}

/** First 12 hex digits of SHA-256 over the files sorted by path; NUL separators keep `a`+`bc` apart from `ab`+`c`. */
export function hashFiles(files: readonly ConfigSourceFile[]): string {
  const hash = createHash('sha256');
  for (const { file, content } of [...files].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))) {
    hash.update(file).update('\0').update(content).update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

/** Loads are rare (start, reload, check), so one `git` process is cheaper than parsing `.git` by hand. */
function gitCommit(dir: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', '--short', 'HEAD'], { cwd: dir, timeout: 2000, windowsHide: true }, (error, stdout) => {
      const commit = stdout.trim();
      resolve(error || !/^[0-9a-f]{4,40}$/.test(commit) ? undefined : commit);
    });
  });
}

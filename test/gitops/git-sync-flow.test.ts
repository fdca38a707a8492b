import { readFile, rename, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askRoute } from '../helpers/ask-route.js';
import { startProcess, type GatewayProcess } from '../helpers/gateway-under-test.js';
import { baseConfig, makeTempDir, writeConfig, type TestConfig } from '../helpers/test-config.js';
import { commitAll, git } from './gitops-test-kit.js';

// The whole GitOps loop on one machine: a bare repository stands in for GitHub, a loop in this
// process does what git-sync does (fetch, new worktree per commit, atomic symlink swap), and a real
// `switchboard serve` process serves the symlink. A commit that changes a rule must reach the next
// requests without a restart and without a failed request. Needs the compiled CLI (npm run build).

function configRouting(target: string): TestConfig {
  return baseConfig({}, { rules: [{ model: 'claude-sonnet-4-5', to: target }], tests: [{ model: 'claude-sonnet-4-5', expect: target }] });
}

const ask = (url: string): ReturnType<typeof askRoute> => askRoute(url);

/**
 * git-sync's contract, in miniature: every `periodMs` fetch the branch; on a new commit, check it
 * out into a new worktree named after the commit, point `<root>/current` at it by creating a
 * symlink beside it and renaming it over the old one (atomic), then delete the old worktree.
 */
function startSyncLoop(root: string, periodMs: number): { syncs: string[]; stop(): Promise<void> } {
  const repo = path.join(root, 'repo');
  const link = path.join(root, 'current');
  const syncs: string[] = [];
  let current: string | undefined;
  let running = true;
  const syncOnce = async (): Promise<void> => {
    git(repo, 'fetch', '-q', 'origin', 'main');
    const commit = git(repo, 'rev-parse', 'FETCH_HEAD').trim();
    if (commit === current) return;
    const worktree = path.join(root, 'worktrees', commit);
    git(repo, 'worktree', 'add', '-q', '--detach', worktree, commit);
    const staged = path.join(root, `.current-${commit}`);
    await symlink(worktree, staged);
    await rename(staged, link);
    if (current !== undefined) {
      git(repo, 'worktree', 'remove', '--force', path.join(root, 'worktrees', current));
    }
    current = commit;
    syncs.push(commit.slice(0, 7));
  };
  const loop = (async () => {
    while (running) {
      await syncOnce();
      await new Promise((resolve) => setTimeout(resolve, periodMs));
    }
  })();
  return {
    syncs,
    async stop() {
      running = false;
      await loop;
    },
  };
}

describe('GitOps flow: commit to the repository, served by the running gateway', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: GatewayProcess | undefined;
  let sync: ReturnType<typeof startSyncLoop> | undefined;
  let origin: string;
  let author: string;

  beforeAll(async () => {
    temp = await makeTempDir('switchboard-gitops-');
    origin = path.join(temp.dir, 'origin.git');
    git(temp.dir, 'init', '-q', '--bare', '--initial-branch=main', origin);
    // A team member's clone, where routing changes are committed and pushed.
    author = path.join(temp.dir, 'author');
    git(temp.dir, 'clone', '-q', origin, author);
    await writeConfig(author, configRouting('mock/before'));
    commitAll(author, 'route sonnet to mock/before');
    git(author, 'push', '-q', 'origin', 'HEAD:main');
    // The gateway host's sync root: a plain clone that only fetches.
    const syncRoot = path.join(temp.dir, 'sync');
    git(temp.dir, 'clone', '-q', '--no-checkout', origin, path.join(syncRoot, 'repo'));
    sync = startSyncLoop(syncRoot, 200);
    while (sync.syncs.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    gateway = await startProcess(path.join(syncRoot, 'current'));
  });

  afterAll(async () => {
    await gateway?.stop();
    await sync?.stop();
    await temp?.remove();
  });

  it('routes by the new rule within seconds of the push, without a restart or a failed request', async () => {
    const first = await ask(gateway!.url);
    expect(first.status).toBe(200);
    expect(first.route).toContain('target=mock/before');
    expect(first.config).toMatch(new RegExp(`@${sync!.syncs[0]}`));

    await writeConfig(author, configRouting('mock/after'));
    const commit = commitAll(author, 'route sonnet to mock/after');
    git(author, 'push', '-q', 'origin', 'HEAD:main');
    const pushedAt = Date.now();

    const answers: Array<{ status: number; route: string | null; config: string | null }> = [];
    for (;;) {
      const answer = await ask(gateway!.url);
      answers.push(answer);
      if (answer.route?.includes('target=mock/after')) break;
      if (Date.now() - pushedAt > 10_000) throw new Error(`still routed by the old rule 10 s after the push: ${JSON.stringify(answer)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const tookMs = Date.now() - pushedAt;
    expect(tookMs).toBeLessThan(5000);
    expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
    // Every answer names the version that served it: the old commit until the swap, the new one after.
    expect(answers.at(-1)!.config).toMatch(new RegExp(`@${commit}$`));
    for (const answer of answers) expect(answer.route?.includes('target=mock/after') ? commit : sync!.syncs[0]).toBe(answer.config!.split('@')[1]);
    expect(gateway!.child.exitCode).toBeNull();
    expect(gateway!.logs.filter((line) => line.message === 'switchboard serving')).toHaveLength(1);
  });

  it('keeps serving the last good commit when a pushed config is invalid', async () => {
    const broken = configRouting('mock/after');
    broken.profiles.main!.rules = [{ model: 'claude-sonnet-4-5', to: 'nowhere/model' }];
    await writeConfig(author, broken);
    commitAll(author, 'broken: unknown provider');
    git(author, 'push', '-q', 'origin', 'HEAD:main');
    await gateway!.waitForLog((line) => JSON.stringify(line).includes('CFG_UNKNOWN_PROVIDER'), 10_000);
    const answer = await ask(gateway!.url);
    expect(answer.status).toBe(200);
    expect(answer.route).toContain('target=mock/after');
    const worktreeFiles = await readFile(path.join(temp.dir, 'sync', 'current', 'profiles', 'main.yaml'), 'utf8');
    expect(worktreeFiles).toContain('nowhere/model');
  });
});

import { execFileSync } from 'node:child_process';
import { cp, mkdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { askRoute } from '../helpers/ask-route.js';
import { startProcess, type GatewayProcess } from '../helpers/gateway-under-test.js';
import { adminHeaders, baseConfig, makeTempDir, writeConfig } from '../helpers/test-config.js';

const providers = { mock: { format: 'mock' } };
const profileRoutingTo = (target: string): Record<string, unknown> => ({ rules: [{ model: 'claude-sonnet-4-5', to: target }] });

const ask = (url: string): ReturnType<typeof askRoute> => askRoute(url);

/** Sends requests back to back until stopped; every answer must be a 200. */
function keepAsking(url: string): { stop(): Promise<{ total: number; failures: string[] }> } {
  let running = true;
  let total = 0;
  const failures: string[] = [];
  const loop = (async () => {
    while (running) {
      try {
        const answer = await ask(url);
        total++;
        if (answer.status !== 200) failures.push(`status ${answer.status}`);
      } catch (error) {
        failures.push(String(error));
      }
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { total, failures };
    },
  };
}

/** Polls until the route header names `target`; returns the milliseconds it took. */
async function waitForRoute(url: string, target: string, timeoutMs = 3000): Promise<number> {
  const start = Date.now();
  for (;;) {
    const answer = await ask(url);
    if (answer.route?.includes(`target=${target}`)) return Date.now() - start;
    if (Date.now() - start > timeoutMs) throw new Error(`route still ${answer.route} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('hot reload of a running serve process', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: GatewayProcess | undefined;

  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(async () => {
    await gateway?.stop('SIGKILL');
    gateway = undefined;
    await temp.remove();
  });

  it('applies an editor-style rename-over within a second while requests keep succeeding', async () => {
    const dir = path.join(temp.dir, 'config');
    await writeConfig(dir, baseConfig(providers, profileRoutingTo('mock/one')));
    gateway = await startProcess(dir);
    expect((await ask(gateway.url)).route).toContain('target=mock/one');

    const load = keepAsking(gateway.url);
    const file = path.join(dir, 'profiles', 'main.yaml');
    await writeFile(`${file}.tmp`, stringify(profileRoutingTo('mock/two')));
    const changedAt = Date.now();
    await rename(`${file}.tmp`, file);
    const took = await waitForRoute(gateway.url, 'mock/two');
    const { total, failures } = await load.stop();
    expect(failures).toEqual([]);
    expect(total).toBeGreaterThan(0);
    expect(Date.now() - changedAt).toBeLessThan(1500);
    expect(took).toBeLessThan(1000);
  });

  it('refuses an invalid edit, keeps serving the last good config, reports it in /status, then takes the fix', async () => {
    const dir = path.join(temp.dir, 'config');
    await writeConfig(dir, baseConfig(providers, profileRoutingTo('mock/one')));
    gateway = await startProcess(dir);
    const before = await ask(gateway.url);

    const load = keepAsking(gateway.url);
    await writeFile(path.join(dir, 'profiles', 'main.yaml'), 'rules:\n  - model: claude-sonnet-4-5\n    to: nowhere/model\n');
    const refused = await gateway.waitForLog((line) => line.message === 'config reload refused; the last good config keeps serving');
    expect(String(refused.problems)).toMatch(/profiles\/main\.yaml:3:\d+ .*nowhere/);
    const during = await ask(gateway.url);
    expect(during.status).toBe(200);
    expect(during.route).toContain('target=mock/one');
    expect(during.config).toBe(before.config);
    const status = (await (await fetch(`${gateway.url}/status`, { headers: adminHeaders })).json()) as { config: { version: string; last_reload_error: { problems: unknown[] } | null } };
    expect(status.config.version).toBe(before.config);
    expect(status.config.last_reload_error?.problems.length).toBeGreaterThan(0);

    await writeFile(path.join(dir, 'profiles', 'main.yaml'), stringify(profileRoutingTo('mock/three')));
    await waitForRoute(gateway.url, 'mock/three');
    const { failures } = await load.stop();
    expect(failures).toEqual([]);
    const after = (await (await fetch(`${gateway.url}/status`, { headers: adminHeaders })).json()) as { config: { version: string; last_reload_error: unknown } };
    expect(after.config.last_reload_error).toBeNull();
    expect(after.config.version).not.toBe(before.config);
  });

  it('applies a multi-file git checkout as one set, never a half-updated one', async () => {
    const dir = path.join(temp.dir, 'repo');
    // Revision A: key alice on profile main -> mock/a. Revision B renames the profile to "next" and moves alice to it:
    // a half-applied set (new gateway.yaml, old profiles) would be invalid, the other half would route to mock/a.
    const revisionA = baseConfig(providers, profileRoutingTo('mock/a'));
    await writeConfig(dir, revisionA);
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
    git('init', '-q', '-b', 'main');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qam', 'init', '--allow-empty');
    git('add', '-A');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'a');
    git('checkout', '-qb', 'b');
    const revisionB = baseConfig(providers, profileRoutingTo('mock/b'));
    const keys = revisionB.gateway.keys as Record<string, { profile: string }>;
    keys.alice!.profile = 'next';
    keys.carol!.profile = 'next';
    revisionB.profiles = { next: profileRoutingTo('mock/b'), alt: revisionB.profiles.alt! };
    await rm(path.join(dir, 'profiles', 'main.yaml'));
    await writeConfig(dir, revisionB);
    git('add', '-A');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'b');
    git('checkout', '-q', 'main');

    gateway = await startProcess(dir);
    const first = await ask(gateway.url);
    expect(first.route).toContain('target=mock/a');
    expect(first.config).toMatch(/^[0-9a-f]{12}@[0-9a-f]{7,}$/);

    const load = keepAsking(gateway.url);
    git('checkout', '-q', 'b');
    await waitForRoute(gateway.url, 'mock/b');
    const { failures } = await load.stop();
    expect(failures).toEqual([]);
    expect(gateway.logs.filter((line) => line.message === 'config reload refused; the last good config keeps serving')).toEqual([]);
    const commit = git('rev-parse', '--short', 'HEAD').trim();
    expect((await ask(gateway.url)).config).toContain(`@${commit}`);
  });

  it('follows a git-sync / ConfigMap style symlink swap of the whole folder', async () => {
    const revisionOne = path.join(temp.dir, 'rev-1');
    const revisionTwo = path.join(temp.dir, 'rev-2');
    await writeConfig(revisionOne, baseConfig(providers, profileRoutingTo('mock/one')));
    await cp(revisionOne, revisionTwo, { recursive: true });
    await writeFile(path.join(revisionTwo, 'profiles', 'main.yaml'), stringify(profileRoutingTo('mock/two')));
    const link = path.join(temp.dir, 'current');
    await symlink(revisionOne, link);

    gateway = await startProcess(link);
    expect((await ask(gateway.url)).route).toContain('target=mock/one');
    const load = keepAsking(gateway.url);
    // Atomic swap as git-sync does it: a new link, renamed over the old one.
    await symlink(revisionTwo, `${link}.new`);
    await rename(`${link}.new`, link);
    const took = await waitForRoute(gateway.url, 'mock/two');
    const { failures } = await load.stop();
    expect(failures).toEqual([]);
    expect(took).toBeLessThan(1000);
  });

  it('reloads on SIGHUP (and only then, with --no-watch)', async () => {
    const dir = path.join(temp.dir, 'config');
    await writeConfig(dir, baseConfig(providers, profileRoutingTo('mock/one')));
    gateway = await startProcess(dir, ['--no-watch']);
    const countReloads = (): number => gateway!.logs.filter((line) => line.message === 'config reloaded').length;
    // The same content: a reload that changes nothing swaps nothing.
    gateway.child.kill('SIGHUP');
    await gateway.waitForLog((line) => line.message === 'config reload finished' && line.result === 'unchanged');
    expect(countReloads()).toBe(0);
    const file = path.join(dir, 'profiles', 'main.yaml');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('mock/one', 'mock/two'));
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect((await ask(gateway.url)).route).toContain('target=mock/one');
    gateway.child.kill('SIGHUP');
    await waitForRoute(gateway.url, 'mock/two');
    expect(countReloads()).toBe(1);
  });

  it('starts, serves, and exits 0 on SIGTERM', async () => {
    const dir = path.join(temp.dir, 'config');
    await mkdir(dir);
    await writeConfig(dir, baseConfig(providers, profileRoutingTo('mock/one')));
    gateway = await startProcess(dir);
    expect((await ask(gateway.url)).status).toBe(200);
    expect(await gateway.stop('SIGTERM')).toBe(0);
  });
});

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { baseConfig, makeTempDir, writeConfig, type TestConfig } from '../helpers/test-config.js';
import { commitAll, git, runCli } from './gitops-test-kit.js';

const providers = { deepseek: { format: 'openai-chat', base_url: 'http://127.0.0.1:9/deepseek' } };
const mainProfile = {
  rules: [
    { model: 'claude-sonnet-4-5', to: 'mock/sonnet' },
    { model_regex: '^claude-opus-(.+)$', to: 'mock/opus-$1' },
  ],
  tests: [{ model: 'claude-opus-4-1', expect: 'mock/opus-4-1' }],
};

function config(): TestConfig {
  return baseConfig(providers, structuredClone(mainProfile));
}

describe('switchboard plan on a real git repository', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let repo: string;

  beforeEach(async () => {
    temp = await makeTempDir('switchboard-plan-');
    // A remote and a clone, like a pull request's checkout: the base is origin/main.
    git(temp.dir, 'init', '-q', '--bare', 'origin.git');
    repo = path.join(temp.dir, 'clone');
    git(temp.dir, 'clone', '-q', path.join(temp.dir, 'origin.git'), 'clone');
    await writeConfig(repo, config());
    commitAll(repo, 'config');
    git(repo, 'push', '-q', 'origin', 'HEAD:main');
    git(repo, 'fetch', '-q', 'origin');
  });
  afterEach(() => temp.remove());

  it('exits 0 and says so when routing does not change', async () => {
    const changed = config();
    changed.profiles.main!.description = 'only a description changed';
    await writeConfig(repo, changed);
    const result = runCli(['plan', '--config-dir', repo], temp.dir);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Routing plan: origin\/main \([0-9a-f]+\) -> working tree \([0-9a-f]+\)$/m);
    expect(result.stdout).toContain('No routing change (');
  });

  it('exits 2 and lists each key and model whose route changes, with the fallback chain', async () => {
    const changed = config();
    changed.profiles.main = { ...mainProfile, rules: [{ model: 'claude-sonnet-4-5', to: ['deepseek/deepseek-reasoner', 'mock/sonnet'] }, mainProfile.rules[1]] };
    await writeConfig(repo, changed);
    const result = runCli(['plan', '--config-dir', repo], temp.dir);
    expect(result.status).toBe(2);
    const changes = result.stdout.split('\n').filter((line) => line.startsWith('  key '));
    // carol is disabled: refused before and after, so not a change.
    expect(changes).toEqual(['  key alice, claude-sonnet-4-5: mock/sonnet -> [deepseek/deepseek-reasoner, mock/sonnet]']);
    expect(result.stdout).toContain('1 route change for 1 key');
  });

  it('reports providers, keys and profiles added and removed, and key profile switches', async () => {
    const changed = config();
    (changed.gateway.providers as Record<string, unknown>).openrouter = { format: 'openai-chat', base_url: 'https://openrouter.ai/api/v1' };
    (changed.gateway.providers as Record<string, Record<string, unknown>>).deepseek!.base_url = 'https://api.deepseek.com';
    const keys = changed.gateway.keys as Record<string, Record<string, unknown>>;
    delete keys.carol;
    keys.bob!.profile = 'main';
    changed.profiles.extra = { rules: [], default: 'mock/extra' };
    await writeConfig(repo, changed);
    const result = runCli(['plan', '--config-dir', repo], temp.dir);
    expect(result.status).toBe(2);
    expect(result.stdout).toContain('  provider added: openrouter\n');
    expect(result.stdout).toContain('  key removed: carol\n');
    expect(result.stdout).toContain('  profile added: extra\n');
    expect(result.stdout).toContain('  provider deepseek changed: base_url\n');
    expect(result.stdout).toContain('  key bob switched profile: alt -> main\n');
    // bob's requests move with his profile: the alt default before, main's rules after.
    expect(result.stdout).toContain('  key bob, claude-sonnet-4-5: mock/alt-echo -> mock/sonnet\n');
    expect(result.stdout).toContain('  key bob, claude-opus-4-1: mock/alt-echo -> mock/opus-4-1\n');
    expect(result.stdout).not.toContain('(profile alt)');
  });

  it('compares a profile a key picks per request under its own label', async () => {
    const changed = config();
    changed.profiles.alt = { rules: [], default: 'mock/alt-v2' };
    await writeConfig(repo, changed);
    const result = runCli(['plan', '--config-dir', repo, '--format', 'json'], temp.dir);
    expect(result.status).toBe(2);
    const plan = JSON.parse(result.stdout) as { routing_changed: boolean; changes: Array<{ key: string; profile: string; active: boolean; model: string }> };
    expect(plan.routing_changed).toBe(true);
    expect(plan.changes.filter((change) => change.key === 'alice').every((change) => change.profile === 'alt' && !change.active)).toBe(true);
    expect(plan.changes.some((change) => change.key === 'bob' && change.active)).toBe(true);
  });

  it('includes models seen only in traces, so regex rules are covered by real traffic', async () => {
    const changed = config();
    changed.profiles.main = { ...mainProfile, rules: [mainProfile.rules[0], { model_regex: '^claude-opus-(.+)$', to: 'deepseek/opus-$1' }], tests: [] };
    await writeConfig(repo, changed);
    const traces = path.join(temp.dir, 'traces');
    await mkdir(traces);
    await writeFile(path.join(traces, 'traces.jsonl'), `${JSON.stringify({ ts: new Date().toISOString(), id: 'r1', key: 'alice', profile: 'main', model: 'claude-opus-4-5' })}\n`);
    const withoutTraces = runCli(['plan', '--config-dir', repo], temp.dir);
    expect(withoutTraces.stdout).toContain('key alice, claude-opus-4-1: mock/opus-4-1 -> deepseek/opus-4-1');
    expect(withoutTraces.stdout).not.toContain('claude-opus-4-5');
    const result = runCli(['plan', '--config-dir', repo, '--traces', traces], temp.dir);
    expect(result.stdout).toContain('key alice, claude-opus-4-5: mock/opus-4-5 -> deepseek/opus-4-5');
  });

  it('writes a markdown table for a pull request comment', async () => {
    const changed = config();
    changed.profiles.main!.rules = [{ model: 'claude-sonnet-4-5', to: 'deepseek/deepseek-reasoner' }, mainProfile.rules[1]];
    await writeConfig(repo, changed);
    const result = runCli(['plan', '--config-dir', repo, '--format', 'markdown'], temp.dir);
    expect(result.status).toBe(2);
    expect(result.stdout).toMatch(/^### Switchboard routing plan\n/);
    expect(result.stdout).toContain('| key | model | before | after |');
    expect(result.stdout).toContain('| `alice` | `claude-sonnet-4-5` | `mock/sonnet` | `deepseek/deepseek-reasoner` |');
  });

  it('reads a config folder below the repository root, at any ref', async () => {
    const nested = path.join(repo, 'config');
    await writeConfig(nested, config());
    commitAll(repo, 'nested config');
    const changed = config();
    changed.profiles.main!.rules = [{ model: 'claude-sonnet-4-5', to: 'mock/sonnet-v2' }];
    changed.profiles.main!.tests = [];
    await writeConfig(nested, changed);
    const result = runCli(['plan', '--config-dir', nested, '--base', 'HEAD'], temp.dir);
    expect(result.status).toBe(2);
    expect(result.stdout).toContain('key alice, claude-sonnet-4-5: mock/sonnet -> mock/sonnet-v2');
    expect(result.stdout).toContain('key alice, claude-opus-4-1: mock/opus-4-1 -> refused (no rule matches)');
  });

  it('exits 1 with a clear message for an unknown ref, an invalid config, or a folder outside git', async () => {
    const unknown = runCli(['plan', '--config-dir', repo, '--base', 'origin/nope'], temp.dir);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('git does not know the revision "origin/nope"');

    await writeFile(path.join(repo, 'profiles', 'main.yaml'), 'rules:\n  - model: x\n    to: nowhere/model\n');
    const invalid = runCli(['plan', '--config-dir', repo], temp.dir);
    expect(invalid.status).toBe(1);
    expect(invalid.stderr).toContain('the working tree config is invalid');
    expect(invalid.stderr).toContain('profiles/main.yaml:3:9 error CFG_UNKNOWN_PROVIDER');

    const outside = await makeTempDir();
    await writeConfig(outside.dir, config());
    const noGit = runCli(['plan', '--config-dir', outside.dir], temp.dir);
    await outside.remove();
    expect(noGit.status).toBe(1);
    expect(noGit.stderr).toContain('is not inside a git repository');

    const badOption = runCli(['plan', '--format', 'yaml', '--config-dir', repo], temp.dir);
    expect(badOption.status).toBe(1);
    expect(badOption.stderr).toContain('--format must be one of text, markdown, json');
  });
});

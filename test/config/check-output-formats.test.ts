import { symlink, mkdir, cp } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, packageRoot, removeConfigDirs, runCli, testEnv, validFiles, writeConfigDir } from './config-test-kit.js';

const brokenTeam = validFiles['profiles/team.yaml'].replaceAll('deepseek/deepseek-chat', 'deepsek/deepseek-chat');

describe('switchboard check output', () => {
  beforeAll(ensureBuilt, 120_000);
  afterAll(removeConfigDirs);

  it('passes on the shipped example config with unset credentials as warnings', async () => {
    const result = await runCli(['check'], { cwd: packageRoot });
    expect(result.stdout).toMatch(/^gateway\.yaml:\d+:\d+ warning CFG_ENV_UNSET api_key of provider "anthropic" references \$\{ANTHROPIC_API_KEY\}/m);
    expect(result.stdout).toMatch(/^ok: 3 files, 4 providers, 3 keys, 2 profiles, \d+ routing tests passed, version [0-9a-f]{12}(@[0-9a-f]+)?$/m);
    expect(result.stdout).not.toMatch(/ error /);
    expect(result.code).toBe(0);
  });

  it('prints GitHub annotations with paths relative to the working directory', async () => {
    const dir = await writeConfigDir({ ...validFiles, 'profiles/team.yaml': brokenTeam });
    const result = await runCli(['check', '--config-dir', '.', '--format', 'github'], { cwd: dir, env: {} });
    const lines = result.stdout.split('\n');
    expect(lines).toContain('::error file=profiles/team.yaml,line=3,col=9,title=CFG_UNKNOWN_PROVIDER::provider "deepsek" is not defined in gateway.yaml; did you mean "deepseek"?');
    expect(lines).toContain(
      '::warning file=gateway.yaml,line=7,col=14,title=CFG_ENV_UNSET::api_key of provider "deepseek" references ${DEEPSEEK_API_KEY}, which is not set; requests to this provider will fail until it is set',
    );
    expect(result.code).toBe(1);

    const fromParent = await runCli(['check', '--config-dir', path.basename(dir), '--format', 'github'], { cwd: path.dirname(dir), env: testEnv });
    expect(fromParent.stdout).toContain(`::error file=${path.basename(dir)}/profiles/team.yaml,line=3,col=9,title=CFG_UNKNOWN_PROVIDER::`);
  });

  it('prints a JSON array of problems and nothing else on stdout', async () => {
    const dir = await writeConfigDir({ ...validFiles, 'profiles/team.yaml': brokenTeam });
    const result = await runCli(['check', '--config-dir', dir, '--format', 'json'], { env: testEnv });
    expect(JSON.parse(result.stdout)).toEqual([
      {
        severity: 'error',
        code: 'CFG_UNKNOWN_PROVIDER',
        file: 'profiles/team.yaml',
        line: 3,
        column: 9,
        message: 'provider "deepsek" is not defined in gateway.yaml; did you mean "deepseek"?',
      },
    ]);
    expect(result.code).toBe(1);

    const clean = await runCli(['check', '--config-dir', await writeConfigDir(validFiles), '--format', 'json'], { env: testEnv });
    expect(JSON.parse(clean.stdout)).toEqual([]);
    expect(clean.code).toBe(0);
  });

  it('loads a config folder reached through symlinks (ConfigMap / git-sync layout)', async () => {
    const root = await writeConfigDir({});
    const revision = path.join(root, 'rev-1');
    await mkdir(revision);
    const source = await writeConfigDir(validFiles);
    await cp(source, revision, { recursive: true });
    await symlink(revision, path.join(root, 'current'));
    const result = await runCli(['check', '--config-dir', path.join(root, 'current')], { env: testEnv });
    expect(result.stdout).toMatch(/^ok: 2 files, 2 providers, 1 key, 1 profile, 1 routing test passed/m);
    expect(result.code).toBe(0);
  });

  it('refuses an unknown --format with a usage error', async () => {
    const result = await runCli(['check', '--format', 'xml']);
    expect(result.stderr).toContain('--format must be one of text, github, json, not "xml"');
    expect(result.code).toBe(2);
  });

  it('has --help', async () => {
    const result = await runCli(['check', '--help']);
    expect(result.stdout).toContain('Usage: switchboard check [--config-dir DIR] [--format text|github|json] [--strict]');
    expect(result.code).toBe(0);
  });
});

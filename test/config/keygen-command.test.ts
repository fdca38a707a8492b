import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, packageRoot, removeConfigDirs, runCli, sha256, validFiles, writeConfigDir } from './config-test-kit.js';

afterAll(removeConfigDirs);

/** The `keys:` entry keygen printed, parsed as gateway.yaml would hold it. */
function keysEntry(stdout: string): unknown {
  const snippet = stdout.slice(stdout.indexOf('# paste under'));
  return parse(`keys:\n${snippet.split('\n').slice(1).join('\n')}`);
}

describe('switchboard keygen', () => {
  beforeAll(ensureBuilt, 120_000);

  it('in the shipped config folder: a fresh secret, and a keys entry with its hash and the first profile there', async () => {
    const shippedProfiles = (await readdir(path.join(packageRoot, 'profiles'))).map((file) => file.replace(/\.ya?ml$/, '')).sort();
    expect(shippedProfiles[0]).toBe('demo');
    const result = await runCli(['keygen', '--name', 'bob'], { cwd: packageRoot });
    expect(result.code, result.stderr).toBe(0);
    const secret = /^secret: (sb-[A-Za-z0-9_-]{43})$/m.exec(result.stdout)?.[1];
    expect(secret).toBeDefined();
    expect(result.stdout).toContain(`# profile: demo (the first of ${shippedProfiles.join(', ')}; pick another with --profile NAME)`);
    expect(keysEntry(result.stdout)).toEqual({ keys: { bob: { sha256: sha256(secret!), profile: 'demo' } } });

    const again = await runCli(['keygen', '--name', 'bob', '--profile', 'team'], { cwd: packageRoot });
    expect(again.stdout).not.toContain(secret!);
    expect(again.stdout).toContain('# profile: team (from --profile)');
    expect(keysEntry(again.stdout)).toMatchObject({ keys: { bob: { profile: 'team' } } });
  });

  it('takes the profiles from --config-dir and refuses one that is not there', async () => {
    const dir = await writeConfigDir(validFiles);
    const result = await runCli(['keygen', '--name', 'ci', '--config-dir', dir]);
    expect(keysEntry(result.stdout)).toMatchObject({ keys: { ci: { profile: 'team' } } });

    const unknown = await runCli(['keygen', '--name', 'ci', '--profile', 'tem', '--config-dir', dir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`--profile "tem": ${path.join(dir, 'profiles')} has team; did you mean "team"?`);
    expect(unknown.stdout).toBe('');

    const empty = await runCli(['keygen', '--name', 'ci', '--config-dir', path.join(dir, 'profiles')]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain(`no profile in ${path.join(dir, 'profiles', 'profiles')}`);
  });

  it('requires a plain --name', async () => {
    expect((await runCli(['keygen'])).stderr).toContain('--name is required');
    const bad = await runCli(['keygen', '--name', 'bob: x']);
    expect(bad.stderr).toContain('must use only letters, digits');
    expect(bad.code).toBe(2);
  });

  it('has --help', async () => {
    const result = await runCli(['keygen', '--help']);
    expect(result.stdout).toContain('Usage: switchboard keygen --name NAME [--profile PROFILE] [--config-dir DIR]');
  });
});

import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli, sha256 } from './config-test-kit.js';

describe('switchboard keygen', () => {
  beforeAll(ensureBuilt, 120_000);

  it('prints a fresh secret and a keys entry holding its hash', async () => {
    const result = await runCli(['keygen', '--name', 'bob', '--profile', 'team']);
    expect(result.code).toBe(0);
    const secret = /^secret: (sb-[A-Za-z0-9_-]{43})$/m.exec(result.stdout)?.[1];
    expect(secret).toBeDefined();
    const snippet = result.stdout.slice(result.stdout.indexOf('# paste under'));
    expect(parse(`keys:\n${snippet.split('\n').slice(1).join('\n')}`)).toEqual({ keys: { bob: { sha256: sha256(secret!), profile: 'team' } } });

    const again = await runCli(['keygen', '--name', 'bob']);
    expect(again.stdout).not.toContain(secret!);
    expect(again.stdout).toMatch(/^ {4}profile: default$/m);
  });

  it('requires a plain --name', async () => {
    expect((await runCli(['keygen'])).stderr).toContain('--name is required');
    const bad = await runCli(['keygen', '--name', 'bob: x']);
    expect(bad.stderr).toContain('must use only letters, digits');
    expect(bad.code).toBe(2);
  });

  it('has --help', async () => {
    const result = await runCli(['keygen', '--help']);
    expect(result.stdout).toContain('Usage: switchboard keygen --name NAME [--profile PROFILE]');
  });
});

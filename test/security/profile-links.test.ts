import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatProblems, loadConfig } from '../../src/config/load-config.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { adminHeaders, baseConfig, makeTempDir, writeConfig } from '../helpers/test-config.js';

const leakedKey = 'sk-live-4f3e2d1c0b9a8f7e6d5c4b3a';
const dotenv = `OPENAI_API_KEY=${leakedKey}\nDEEPSEEK_API_KEY=${leakedKey}-2\n`;

/** What `switchboard check` prints in each of its formats (the same text reaches PR annotations, `plan`, logs and /status). */
function everyRendering(problems: Parameters<typeof formatProblems>[0], dir: string): string {
  return (['text', 'github', 'json'] as const).map((format) => formatProblems(problems, format, dir)).join('\n');
}

/**
 * A profile is any file a pull request puts under `profiles/`. It must not
 * become a way to read files of the gateway's machine: a link out of the
 * folder is refused, and a file that is not YAML fields is never quoted.
 */
describe('profile files that are not what they seem', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let configDir: string;
  let outside: string;

  beforeEach(async () => {
    temp = await makeTempDir();
    configDir = path.join(temp.dir, 'config');
    outside = path.join(temp.dir, 'elsewhere');
    await mkdir(outside);
    await writeFile(path.join(outside, '.env'), dotenv);
    await writeConfig(configDir, baseConfig({}, { rules: [], default: 'mock/echo' }));
  });
  afterEach(async () => {
    await temp.remove();
  });

  it('refuses a link that leaves the profiles folder, without reading it', async () => {
    await symlink(path.join(outside, '.env'), path.join(configDir, 'profiles', 'stolen.yaml'));
    const { snapshot, problems } = await loadConfig(configDir);
    expect(snapshot).toBeUndefined();
    expect(problems).toContainEqual(expect.objectContaining({ code: 'CFG_LINK_OUTSIDE', file: 'profiles/stolen.yaml', severity: 'error' }));
    expect(everyRendering(problems, configDir)).not.toContain(leakedKey);
  });

  it('never quotes a file that is not a mapping of fields', async () => {
    await writeFile(path.join(configDir, 'profiles', 'pasted.yaml'), dotenv);
    const { problems } = await loadConfig(configDir);
    expect(problems).toContainEqual(expect.objectContaining({ code: 'CFG_INVALID_TYPE', file: 'profiles/pasted.yaml', message: expect.stringMatching(/must be a mapping of fields/) }));
    const rendered = everyRendering(problems, configDir);
    expect(rendered).not.toContain(leakedKey);
    expect(rendered).not.toContain('OPENAI_API_KEY');
  });

  it('keeps a refused reload free of the file content in /status', async () => {
    const gateway = await startInProcess(configDir);
    try {
      await writeFile(path.join(configDir, 'profiles', 'pasted.yaml'), dotenv);
      await symlink(path.join(outside, '.env'), path.join(configDir, 'profiles', 'stolen.yaml'));
      await gateway.state.store.reload('test');
      const status = await (await fetch(`${gateway.address}/status`, { headers: adminHeaders })).text();
      expect(status).toContain('CFG_LINK_OUTSIDE');
      expect(status).not.toContain(leakedKey);
    } finally {
      await gateway.stop();
    }
  });

  it('still follows links that stay inside the folder, as a Kubernetes ConfigMap mount makes them', async () => {
    const profiles = path.join(configDir, 'profiles');
    const revision = path.join(profiles, '..2026_01_01_00_00_00.000000001');
    await mkdir(revision);
    await writeFile(path.join(revision, 'mounted.yaml'), 'rules: []\ndefault: mock/mounted\n');
    await symlink('..2026_01_01_00_00_00.000000001', path.join(profiles, '..data'));
    await symlink('..data/mounted.yaml', path.join(profiles, 'mounted.yaml'));
    const { snapshot, problems } = await loadConfig(configDir);
    expect(problems).toEqual([]);
    expect(snapshot!.profiles.get('mounted')?.defaultTargets).toEqual([{ provider: 'mock', model: 'mounted' }]);
  });
});

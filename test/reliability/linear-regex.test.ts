import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ensureBuilt, removeConfigDirs, runCli, testEnv, validFiles, writeConfigDir } from '../config/config-test-kit.js';
import { askRoute } from '../helpers/ask-route.js';
import { startProcess, type GatewayProcess } from '../helpers/gateway-under-test.js';
import { baseConfig, makeTempDir, writeConfig } from '../helpers/test-config.js';

/**
 * Rules are matched by a linear-time engine (RE2), so no rule can freeze the event loop whatever model
 * a client sends. These are the regexes and inputs that froze it when rules ran on V8's backtracking engine.
 */
const pathological: Array<{ regex: string; model: string }> = [
  { regex: '^(a+){10}$', model: `${'a'.repeat(60)}!` },
  { regex: '^(.*a){12}$', model: `${'a'.repeat(60)}!` },
  { regex: '^(a|a)+$', model: `${'a'.repeat(60)}!` },
  { regex: '^claude-(\\d|\\d\\d)+$', model: `claude-${'1'.repeat(60)}!` },
];

beforeAll(ensureBuilt);
afterAll(removeConfigDirs);

describe('switchboard check with rules that backtrack catastrophically elsewhere', () => {
  it('accepts them and runs routing tests with the inputs that froze the old engine', async () => {
    const rules = pathological.map(({ regex }, index) => `  - model_regex: '${regex}'\n    to: mock/rule-${index + 1}\n`).join('');
    const tests = pathological.map(({ model }) => `  - model: '${model}'\n    expect: mock/fallback\n`).join('');
    const matching = `  - model: 'claude-1212'\n    expect: mock/rule-4\n`;
    const dir = await writeConfigDir({ ...validFiles, 'profiles/team.yaml': `rules:\n${rules}default: mock/fallback\ntests:\n${tests}${matching}` });
    const result = await runCli(['check', '--config-dir', dir], { env: testEnv });
    expect(result.stderr + result.stdout).toContain('5 routing tests passed');
    expect(result.code).toBe(0);
  });

  it.each([
    ['a backreference', '^(claude)-\\1$', 'backreference'],
    ['a lookahead', '^claude-(?!opus).*$', 'lookaround'],
    ['a lookbehind', '^.*(?<=-latest)$', 'lookaround'],
  ])('refuses %s at its file:line:col with the reason', async (_name, regex, reason) => {
    const dir = await writeConfigDir({ ...validFiles, 'profiles/team.yaml': `rules:\n  - model: claude-sonnet-4-5\n    to: mock/x\n  - model_regex: '${regex}'\n    to: mock/y\n` });
    const result = await runCli(['check', '--config-dir', dir], { env: testEnv });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`profiles/team.yaml:4:18 error CFG_UNSAFE_REGEX model_regex "${regex}" of rule 2 uses a ${reason}`);
    expect(result.stdout).toContain('linear time');
  });

  it('refuses a regex that is not valid at all as invalid, not as unsafe', async () => {
    const dir = await writeConfigDir({ ...validFiles, 'profiles/team.yaml': `rules:\n  - model_regex: '^claude-(.+$'\n    to: mock/y\n` });
    const result = await runCli(['check', '--config-dir', dir], { env: testEnv });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^profiles\/team\.yaml:2:18 error CFG_INVALID_REGEX model_regex of rule 1 is not a valid regular expression: /m);
  });
});

describe('a pathological rule arriving by hot reload', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: GatewayProcess | undefined;

  beforeAll(async () => {
    temp = await makeTempDir();
  });
  afterEach(async () => {
    await gateway?.stop('SIGKILL');
    gateway = undefined;
  });
  afterAll(() => temp.remove());

  it('routes the input that used to hang /healthz, and the gateway keeps answering', async () => {
    const dir = path.join(temp.dir, 'config');
    await writeConfig(dir, baseConfig({}, { rules: [{ model: 'claude-sonnet-4-5', to: 'mock/before' }] }));
    gateway = await startProcess(dir);
    const file = path.join(dir, 'profiles', 'main.yaml');
    const reloaded = { rules: [{ model: 'claude-sonnet-4-5', to: 'mock/after' }, ...pathological.map(({ regex }, index) => ({ model_regex: regex, to: `mock/rule-${index + 1}-$1` }))], default: 'mock/fallback' };
    await writeFile(`${file}.tmp`, stringify(reloaded));
    await rename(`${file}.tmp`, file);
    await gateway.waitForLog((line) => line.message === 'config reloaded');
    expect((await askRoute(gateway.url)).route).toContain('target=mock/after');

    for (const { model } of pathological) {
      const answer = await askRoute(gateway.url, model);
      expect(answer.status).toBe(200);
      expect(answer.route).toContain('target=mock/fallback');
    }
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    // Captures still fill the targets.
    expect((await askRoute(gateway.url, 'claude-1212')).route).toContain('target=mock/rule-4-2');
  });
});

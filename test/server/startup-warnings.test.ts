import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProcess, type GatewayProcess } from '../helpers/gateway-under-test.js';
import { baseConfig, makeTempDir, writeConfig } from '../helpers/test-config.js';

describe('switchboard serve: warnings at start', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: GatewayProcess | undefined;

  beforeAll(async () => {
    temp = await makeTempDir();
  });
  afterAll(async () => {
    await gateway?.stop();
    await temp.remove();
  });

  it('logs each warning once and one count that matches them', async () => {
    const providers = Object.fromEntries(
      ['a', 'b', 'c'].map((name) => [name, { format: 'openai-chat', base_url: 'http://127.0.0.1:9/v1', api_key: `\${SB_TEST_UNSET_${name.toUpperCase()}}` }]),
    );
    await writeConfig(temp.dir, baseConfig(providers, { rules: [], default: 'mock/echo' }));
    gateway = await startProcess(temp.dir);
    const summary = await gateway.waitForLog((line) => line.message === 'config warnings');
    const warnings = gateway.logs.filter((line) => line.message === 'config warning').map((line) => String(line.problem));
    expect(warnings).toHaveLength(3);
    for (const [index, name] of ['A', 'B', 'C'].entries()) {
      expect(warnings[index]).toMatch(new RegExp(`^gateway\\.yaml:\\d+:\\d+ warning CFG_ENV_UNSET .*\\$\\{SB_TEST_UNSET_${name}\\}`));
      expect(warnings[index]).not.toContain('\n');
    }
    expect(summary.summary).toBe(`0 errors, 3 warnings in ${path.resolve(temp.dir)}`);
  });
});

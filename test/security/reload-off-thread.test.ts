import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { startProcess, type GatewayProcess } from '../helpers/gateway-under-test.js';
import { baseConfig, makeTempDir, writeConfig } from '../helpers/test-config.js';

/** A profile of `rules` exact rules, about 60 bytes each: large, slow to check, and valid. */
function largeProfile(rules: number): string {
  let text = 'rules:\n';
  for (let index = 0; index < rules; index++) text += `  - model: generated-model-${index}\n    to: mock/echo-${index}\n`;
  return `${text}default: mock/echo\n`;
}

describe('a reload of a large config', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: GatewayProcess | undefined;

  beforeEach(async () => {
    temp = await makeTempDir();
    await writeConfig(temp.dir, baseConfig({}, { rules: [], default: 'mock/echo' }));
  });
  afterEach(async () => {
    await gateway?.stop('SIGKILL');
    gateway = undefined;
    await temp.remove();
  });

  it('refuses a config file over 256 KiB unread', async () => {
    await writeFile(path.join(temp.dir, 'profiles', 'huge.yaml'), largeProfile(6000));
    const { snapshot, problems } = await loadConfig(temp.dir);
    expect(snapshot).toBeUndefined();
    expect(problems).toEqual([expect.objectContaining({ code: 'CFG_FILE_TOO_LARGE', file: 'profiles/huge.yaml', severity: 'error' })]);
  });

  it('is parsed and checked off the serving thread: /healthz keeps answering until it is applied', async () => {
    const profile = largeProfile(2000);
    expect(Buffer.byteLength(profile)).toBeLessThan(256 * 1024);
    gateway = await startProcess(temp.dir, ['--no-watch']);
    await writeFile(path.join(temp.dir, 'profiles', 'main.yaml'), profile);

    // Events in the order this process sees them: the reload's start and end (from the log) and every /healthz answer.
    const events: string[] = [];
    const started = gateway.waitForLog((line) => line.message === 'config reload started').then(() => events.push('started'));
    const finished = gateway.waitForLog((line) => line.message === 'config reload finished', 120_000).then((line) => {
      events.push('finished');
      return line;
    });
    let done = false;
    void finished.finally(() => (done = true));
    gateway.child.kill('SIGHUP');
    await started;
    while (!done) {
      const response = await fetch(`${gateway.url}/healthz`);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
      events.push('healthz');
    }
    expect(await finished).toMatchObject({ result: 'applied' });
    const during = events.slice(events.indexOf('started'), events.indexOf('finished')).filter((event) => event === 'healthz');
    // Blocking the event loop while parsing leaves none here: no answer can be written between the two log lines.
    expect(during.length).toBeGreaterThanOrEqual(10);
  }, 120_000);
});

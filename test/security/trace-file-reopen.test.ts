import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startInProcess, startProcess } from '../helpers/gateway-under-test.js';
import { adminHeaders, baseConfig, makeTempDir, testSecrets, writeConfig } from '../helpers/test-config.js';

const ask = async (address: string, content: string): Promise<string> => {
  const response = await fetch(`${address}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${testSecrets.alice}` },
    body: JSON.stringify({ model: 'gpt-5', messages: [{ role: 'user', content }] }),
  });
  expect(response.status).toBe(200);
  await response.arrayBuffer();
  return response.headers.get('x-switchboard-request-id')!;
};

const idsIn = async (file: string): Promise<string[]> =>
  (await readFile(file, 'utf8'))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as { id: string }).id);

/**
 * A trace file removed or renamed under the gateway (by hand, by a cleanup
 * job, by re-creating the config folder) must not swallow the lines that
 * follow: they go to a new `traces.jsonl` at the configured path.
 */
describe('a trace file that goes away while the gateway writes', () => {
  let temp: { dir: string; remove(): Promise<void> };

  beforeEach(async () => {
    temp = await makeTempDir();
    const config = baseConfig({}, { rules: [], default: 'mock/echo' });
    config.gateway.traces = { dir: 'traces' };
    await writeConfig(temp.dir, config);
  });
  afterEach(async () => {
    await temp.remove();
  });

  it('is re-created when deleted, and when its whole folder is deleted', async () => {
    const gateway = await startInProcess(temp.dir);
    const file = path.join(temp.dir, 'traces', 'traces.jsonl');
    try {
      const first = await ask(gateway.address, 'one');
      await gateway.traces.flush();
      expect(await idsIn(file)).toEqual([first]);

      await rm(file);
      const second = await ask(gateway.address, 'two');
      await gateway.traces.flush();
      expect(await idsIn(file)).toEqual([second]);

      await rm(path.join(temp.dir, 'traces'), { recursive: true });
      const third = await ask(gateway.address, 'three');
      await gateway.traces.flush();
      expect(await idsIn(file)).toEqual([third]);
      expect(gateway.traces.stats()).toMatchObject({ linesWritten: 3, linesDropped: 0 });
    } finally {
      await gateway.stop();
    }
  });

  it('counts write failures in /status and /metrics', async () => {
    const gateway = await startInProcess(temp.dir);
    try {
      await ask(gateway.address, 'one');
      await gateway.traces.flush();
      // The folder becomes a file: every write fails until it is a folder again.
      await rm(path.join(temp.dir, 'traces'), { recursive: true });
      await writeFile(path.join(temp.dir, 'traces'), 'not a folder');
      await ask(gateway.address, 'two');
      await gateway.traces.flush();
      const status = (await (await fetch(`${gateway.address}/status`, { headers: adminHeaders })).json()) as { traces: { writeFailures: number; lastError?: string; linesWritten: number } };
      expect(status.traces).toMatchObject({ linesWritten: 1, writeFailures: expect.any(Number), lastError: expect.any(String) });
      expect(status.traces.writeFailures).toBeGreaterThan(0);
      const metrics = await (await fetch(`${gateway.address}/metrics`, { headers: adminHeaders })).text();
      expect(metrics).toMatch(/^switchboard_trace_write_failures_total [1-9]\d*$/m);
    } finally {
      await gateway.stop();
    }
  });

  it('reopens on SIGHUP, which also reloads the config', async () => {
    const gateway = await startProcess(temp.dir, ['--no-watch']);
    const file = path.join(temp.dir, 'traces', 'traces.jsonl');
    try {
      const first = await ask(gateway.url, 'one');
      // The line is written after the answer; wait until it is on disk.
      while (!(await readFile(file, 'utf8').catch(() => '')).includes(first)) await new Promise((resolve) => setTimeout(resolve, 20));
      // Like logrotate without copytruncate: the file is moved aside, then the gateway is told.
      await rename(file, `${file}.1`);
      gateway.child.kill('SIGHUP');
      await gateway.waitForLog((line) => line.message === 'trace file reopened');
      await gateway.waitForLog((line) => line.message === 'config reload finished' && line.reason === 'SIGHUP');
      const second = await ask(gateway.url, 'two');
      expect(await gateway.stop()).toBe(0);
      expect(await idsIn(`${file}.1`)).toEqual([first]);
      expect(await idsIn(file)).toEqual([second]);
    } finally {
      await gateway.stop('SIGKILL');
    }
  });
});

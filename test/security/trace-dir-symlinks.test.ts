import { lstat, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TraceWriter } from '../../src/traces/trace-writer.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { adminHeaders, baseConfig, makeTempDir, testSecrets, writeConfig } from '../helpers/test-config.js';
import { makeRecord, traceSettings } from '../traces/trace-fixtures.js';

const victimText = 'PRECIOUS=do-not-touch\n';

/**
 * The traces folder may hold what someone else put there (a config repository
 * checkout, a shared volume). A symbolic link must never turn a trace write,
 * a rotation or a compression into a write or a copy elsewhere.
 */
describe('symbolic links around the trace files', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let victim: string;
  let writer: TraceWriter | undefined;

  beforeEach(async () => {
    temp = await makeTempDir();
    victim = path.join(temp.dir, 'victim.env');
    await writeFile(victim, victimText, { mode: 0o600 });
  });
  afterEach(async () => {
    await writer?.close();
    writer = undefined;
    await temp.remove();
  });

  const problems: string[] = [];
  const startWriter = (dir: string, overrides: Parameters<typeof traceSettings>[1] = {}): TraceWriter => {
    problems.length = 0;
    writer = new TraceWriter(traceSettings(dir, overrides), { onProblem: (message) => problems.push(message), retryDelayMs: 60_000 });
    return writer;
  };

  it('refuses to append to a traces.jsonl that is a link, and says why', async () => {
    const dir = path.join(temp.dir, 'traces');
    await mkdir(dir);
    await symlink(victim, path.join(dir, 'traces.jsonl'));
    const traces = startWriter(dir);
    traces.write(makeRecord());
    await traces.flush();
    expect(await readFile(victim, 'utf8')).toBe(victimText);
    expect(traces.stats()).toMatchObject({ linesWritten: 0, lastError: expect.stringMatching(/symbolic link|ELOOP/) });
    expect(problems.join('\n')).toMatch(/symbolic link|ELOOP/);
  });

  it('never compresses, copies or deletes what a link named like a rotated file points to', async () => {
    const dir = path.join(temp.dir, 'traces');
    await mkdir(dir);
    const rotatedName = 'traces-20260101T000000Z_20260101T010000Z.jsonl';
    await symlink(victim, path.join(dir, rotatedName));
    const traces = startWriter(dir, { gzip: true, maxFiles: 1 });
    traces.write(makeRecord());
    await traces.flush();
    await traces.whenIdle();
    expect(await readdir(dir)).not.toContain(`${rotatedName}.gz`);
    expect((await lstat(path.join(dir, rotatedName))).isSymbolicLink()).toBe(true);
    expect(await readFile(victim, 'utf8')).toBe(victimText);
  });

  it('creates trace files 0600 and folders 0700, whatever the umask', async () => {
    const previous = process.umask(0o022);
    try {
      const dir = path.join(temp.dir, 'nested', 'traces');
      const traces = startWriter(dir, { maxFileBytes: 600, gzip: true });
      for (let index = 0; index < 4; index++) traces.write(makeRecord({ request: null, response: null }));
      await traces.flush();
      await traces.whenIdle();
      expect((await stat(dir)).mode & 0o777).toBe(0o700);
      expect((await stat(path.join(temp.dir, 'nested'))).mode & 0o777).toBe(0o700);
      const names = await readdir(dir);
      expect(names.some((name) => name.endsWith('.jsonl.gz'))).toBe(true);
      for (const name of names) expect((await stat(path.join(dir, name))).mode & 0o777, name).toBe(0o600);
    } finally {
      process.umask(previous);
    }
  });

  it('keeps a relative traces.dir inside the config folder: a linked folder is refused, not written through', async () => {
    const outside = path.join(temp.dir, 'outside');
    await mkdir(outside);
    const configDir = path.join(temp.dir, 'config');
    const config = baseConfig({}, { rules: [], default: 'mock/echo' });
    config.gateway.traces = { dir: 'logs/traces' };
    await writeConfig(configDir, config);
    await symlink(outside, path.join(configDir, 'logs'));
    const gateway = await startInProcess(configDir);
    try {
      const answer = await fetch(`${gateway.address}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${testSecrets.alice}` },
        body: JSON.stringify({ model: 'gpt-5', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(answer.status).toBe(200);
      await gateway.traces.flush();
      expect(await readdir(outside)).toEqual([]);
      const status = (await (await fetch(`${gateway.address}/status`, { headers: adminHeaders })).json()) as { traces: { lastError?: string } };
      expect(status.traces.lastError).toMatch(/symbolic link/);
    } finally {
      await gateway.stop();
    }
  });
});

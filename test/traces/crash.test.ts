import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TraceWriter } from '../../src/traces/trace-writer.js';
import { ensureBuilt, repoRoot } from './build-dist.js';
import { makeRecord, makeTempDir, traceSettings } from './trace-fixtures.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  await ensureBuilt();
  ({ dir, cleanup } = await makeTempDir('sb-crash-'));
}, 120_000);
afterAll(async () => {
  await cleanup();
});

it('leaves at most the last line incomplete when the process is SIGKILLed mid-write, and a restart continues on a fresh line', async () => {
  const child = spawn(process.execPath, [join(repoRoot, 'test/traces/crash-writer-child.mjs'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (data: Buffer) => {
      if (data.toString().includes('ready')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`child exited early with ${code}`)));
  });
  // Let it write (and rotate) for a moment longer, then kill it at an arbitrary point.
  await new Promise((resolve) => setTimeout(resolve, 150 + Math.random() * 100));
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));

  const names = (await readdir(dir)).sort();
  expect(names.length).toBeGreaterThan(2);
  const ids = new Set<string>();
  for (const name of names) {
    const text = await readFile(join(dir, name), 'utf8');
    const lines = text.split('\n');
    const last = lines.pop()!;
    // Rotated files were closed before they were renamed: always whole.
    if (name !== 'traces.jsonl') expect(last).toBe('');
    for (const line of lines) {
      const record = JSON.parse(line);
      expect(ids.has(record.id)).toBe(false);
      ids.add(record.id);
    }
    if (last !== '') expect(() => JSON.parse(last)).toThrow();
  }
  expect(ids.size).toBeGreaterThan(500);

  const writer = new TraceWriter(traceSettings(dir, { maxFileBytes: 256 * 1024, maxFiles: 1000 }));
  writer.write(makeRecord({ id: 'after-restart' }));
  await writer.close();
  const lines = (await readFile(join(dir, 'traces.jsonl'), 'utf8')).split('\n');
  expect(lines.pop()).toBe('');
  expect(JSON.parse(lines[lines.length - 1]!).id).toBe('after-restart');
}, 60_000);

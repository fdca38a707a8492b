import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { followTraces, TraceReader } from '../../src/traces/read-traces.js';
import type { TraceRecord } from '../../src/traces/trace-record.js';
import { TraceWriter } from '../../src/traces/trace-writer.js';
import { makeRecord, makeTempDir, traceSettings } from './trace-fixtures.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
});
afterEach(async () => {
  await cleanup();
});

async function collect(reader: AsyncIterable<TraceRecord>): Promise<string[]> {
  const ids: string[] = [];
  for await (const record of reader) ids.push(record.id);
  return ids;
}

const at = (hour: number, minute = 0): string => new Date(Date.UTC(2026, 10, 24, hour, minute)).toISOString();

/** Three hourly files written by the writer: 07:xx and 08:xx gzipped, 09:xx current. */
async function writeThreeHours(): Promise<void> {
  let now = new Date(at(7, 0));
  const writer = new TraceWriter(traceSettings(dir, { rotateEvery: 'hourly', gzip: true }), { now: () => now });
  for (const hour of [7, 8, 9]) {
    now = new Date(at(hour, 30));
    for (let minute = 0; minute < 3; minute++) writer.write(makeRecord({ ts: at(hour, minute * 10), id: `h${hour}m${minute * 10}` }));
    await writer.flush();
  }
  await writer.close();
}

describe('TraceReader', () => {
  it('reads rotated, gzipped and current files in time order', async () => {
    await writeThreeHours();
    expect(await collect(new TraceReader({ dir }))).toEqual(['h7m0', 'h7m10', 'h7m20', 'h8m0', 'h8m10', 'h8m20', 'h9m0', 'h9m10', 'h9m20']);
  });

  it('filters by since and until, and does not open files outside the range', async () => {
    await writeThreeHours();
    // A corrupt file whose name puts it before the range: opening it would count a skipped line.
    await writeFile(join(dir, 'traces-20261124T050000Z_20261124T055959Z.jsonl.gz'), 'not a gzip');
    const reader = new TraceReader({ dir, since: new Date(at(8, 10)), until: new Date(at(9, 0)) });
    expect(await collect(reader)).toEqual(['h8m10', 'h8m20', 'h9m0']);
    expect(reader.skippedLines).toBe(0);
    const all = new TraceReader({ dir });
    await collect(all);
    expect(all.skippedLines).toBe(1);
  });

  it('skips and counts a torn last line, corrupt lines and a truncated gzip', async () => {
    const lines = [makeRecord({ id: 'a' }), makeRecord({ id: 'b' })].map((record) => JSON.stringify(record));
    const gzip = gzipSync(`${lines.join('\n')}\n`);
    await writeFile(join(dir, 'traces-20261124T060000Z_20261124T060000Z.jsonl.gz'), gzip.subarray(0, gzip.length - 12));
    await writeFile(join(dir, 'traces.jsonl'), `${JSON.stringify(makeRecord({ id: 'c' }))}\nnot json\n{"no":"ts"}\n\n${JSON.stringify(makeRecord({ id: 'd' }))}\n{"ts":"2026-11-24T07:20:00.000Z","id":"torn","dur`);
    const reader = new TraceReader({ dir });
    const ids = await collect(reader);
    expect(ids.slice(-2)).toEqual(['c', 'd']);
    // The truncated gzip yields what decompressed before the cut, then counts one skip.
    expect(reader.skippedLines).toBe(4);
  });

  it('applies a line filter before parsing', async () => {
    await writeFile(join(dir, 'traces.jsonl'), `${JSON.stringify(makeRecord({ id: 'x1', key: 'alice' }))}\n${JSON.stringify(makeRecord({ id: 'x2', key: 'bob' }))}\n`);
    expect(await collect(new TraceReader({ dir, lineFilter: (line) => line.includes('"key":"bob"') }))).toEqual(['x2']);
  });

  it('reads an empty or missing folder as no records', async () => {
    expect(await collect(new TraceReader({ dir: join(dir, 'missing') }))).toEqual([]);
  });
});

describe('followTraces', () => {
  it('follows traces.jsonl across rotations without missing or repeating a line', async () => {
    const writer = new TraceWriter(traceSettings(dir, { maxFileBytes: 8 * 1024, maxFiles: 1000 }));
    writer.write(makeRecord({ id: 'before' }));
    await writer.flush();
    const controller = new AbortController();
    const seen: string[] = [];
    const following = (async () => {
      for await (const record of followTraces(dir, { follow: true, intervalMs: 10, signal: controller.signal })) {
        seen.push(record.id);
        if (seen.length === 200) controller.abort();
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (let index = 0; index < 200; index++) {
      writer.write(makeRecord({ id: `f${index}` }));
      if (index % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 15));
    }
    await writer.close();
    await Promise.race([following, new Promise((_, reject) => setTimeout(() => reject(new Error(`saw ${seen.length}`)), 10_000))]);
    expect(seen).toEqual(Array.from({ length: 200 }, (_, index) => `f${index}`));
  });
});

describe('reading what a crash left', () => {
  it('yields every whole line of a file that ends mid-line', async () => {
    await appendFile(join(dir, 'traces.jsonl'), `${JSON.stringify(makeRecord({ id: 'whole' }))}\n{"ts":"2026`);
    const reader = new TraceReader({ dir });
    expect(await collect(reader)).toEqual(['whole']);
    expect(reader.skippedLines).toBe(1);
  });
});

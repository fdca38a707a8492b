import { randomUUID } from 'node:crypto';
import { appendFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IndexQuery } from '../../src/traces/trace-index.js';
import { TraceIndex } from '../../src/traces/trace-index.js';
import { parseStatusFilter } from '../../src/traces/trace-query.js';
import { TraceWriter } from '../../src/traces/trace-writer.js';
import { makeRecord, tempDirPerTest, traceSettings } from './trace-fixtures.js';

const temp = tempDirPerTest();

const at = (hour: number, minute = 0): string => new Date(Date.UTC(2026, 10, 24, hour, minute)).toISOString();

function ids(index: TraceIndex, query: IndexQuery = {}): string[] {
  const found: string[] = [];
  index.scan(query, (row) => {
    found.push(row.line().id);
  });
  return found;
}

/** Writes with the real writer: 07:xx and 08:xx rotated hourly (gzipped), 09:xx current. Returns the ids by hour. */
async function writeHours(hours: number[], perHour: number): Promise<Map<number, string[]>> {
  let now = new Date(at(hours[0]!, 0));
  const writer = new TraceWriter(traceSettings(temp.dir, { rotateEvery: 'hourly', gzip: true }), { now: () => now });
  const written = new Map<number, string[]>();
  for (const hour of hours) {
    now = new Date(at(hour, 30));
    const hourIds: string[] = [];
    for (let index = 0; index < perHour; index++) {
      const id = randomUUID();
      hourIds.push(id);
      writer.write(
        makeRecord({
          ts: at(hour, index),
          id,
          key: index % 2 === 0 ? 'alice' : 'bob',
          session: `session-${hour}`,
          status: index === 1 ? 529 : 200,
          provider: index % 3 === 0 ? 'deepseek' : 'anthropic',
          // A body that holds the text of a metadata key must not confuse the head parser.
          request: { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: `say ,"response": and "status":500 ${'x'.repeat(index * 100)}` }] },
        }),
      );
    }
    written.set(hour, hourIds);
    await writer.flush();
  }
  await writer.close();
  return written;
}

describe('TraceIndex', () => {
  it('indexes rotated, gzipped and current files; filters like traces search; finds one line anywhere by id', async () => {
    const written = await writeHours([7, 8, 9], 6);
    expect((await readdir(temp.dir)).filter((name) => name.endsWith('.jsonl.gz'))).toHaveLength(2);
    const index = new TraceIndex({ dir: temp.dir, maxRequests: 10_000 });
    await index.refresh();

    const newestFirst = [...written.get(9)!].reverse().concat([...written.get(8)!].reverse(), [...written.get(7)!].reverse());
    expect(ids(index)).toEqual(newestFirst);
    expect(ids(index, { key: 'bob', session: 'session-8' })).toEqual([5, 3, 1].map((i) => written.get(8)![i]));
    expect(ids(index, { status: parseStatusFilter('5xx') })).toEqual([9, 8, 7].map((hour) => written.get(hour)![1]));
    expect(ids(index, { provider: 'deepseek', since: Date.parse(at(8, 0)), until: Date.parse(at(8, 59)) })).toEqual([3, 0].map((i) => written.get(8)![i]));
    expect(ids(index, { key: 'nobody' })).toEqual([]);
    expect(index.coverage()).toMatchObject({ requests: 18, files: 3, since: Date.parse(at(7, 0)), linesSkipped: 0 });

    // One line from a gzipped file and one from the current file, whole, bodies included.
    const fromGzip = await index.find(written.get(7)![4]!);
    expect(fromGzip).toMatchObject({ id: written.get(7)![4], ts: at(7, 4), key: 'alice' });
    expect((fromGzip!.request as { messages: Array<{ content: string }> }).messages[0]!.content).toContain('x'.repeat(400));
    expect((await index.find(written.get(9)![0]!))?.id).toBe(written.get(9)![0]);
    expect(await index.find(randomUUID())).toBeUndefined();
  });

  it('catches up on appended lines and follows a rotation without indexing a line twice', async () => {
    let now = new Date(at(7, 0));
    const writer = new TraceWriter(traceSettings(temp.dir, { rotateEvery: 'hourly', gzip: true }), { now: () => now });
    const index = new TraceIndex({ dir: temp.dir, maxRequests: 10_000 });
    const first = randomUUID();
    writer.write(makeRecord({ ts: at(7, 1), id: first }));
    await writer.flush();
    await index.refresh();
    expect(ids(index)).toEqual([first]);

    const second = randomUUID();
    writer.write(makeRecord({ ts: at(7, 2), id: second }));
    await writer.flush();
    await index.refresh();
    expect(ids(index)).toEqual([second, first]);

    // The next hour's line rotates the file (and gzips it in the background).
    now = new Date(at(8, 5));
    const third = randomUUID();
    writer.write(makeRecord({ ts: at(8, 5), id: third }));
    await writer.flush();
    await index.refresh();
    expect(ids(index)).toEqual([third, second, first]);
    await writer.close();
    await index.refresh();
    expect(ids(index)).toEqual([third, second, first]);
    expect((await index.find(first))?.id).toBe(first);
  });

  it('holds a torn last line back until it is whole, and counts garbage lines as skipped', async () => {
    const path = join(temp.dir, 'traces.jsonl');
    const whole = JSON.stringify(makeRecord({ id: randomUUID() }));
    const torn = JSON.stringify(makeRecord({ id: randomUUID() }));
    await appendFile(path, `${whole}\nnot json\n${torn.slice(0, 100)}`);
    const index = new TraceIndex({ dir: temp.dir, maxRequests: 10_000 });
    await index.refresh();
    expect(index.coverage()).toMatchObject({ requests: 1, linesSkipped: 1 });
    await appendFile(path, `${torn.slice(100)}\n`);
    await index.refresh();
    expect(index.coverage().requests).toBe(2);
    expect(ids(index)[0]).toBe(JSON.parse(torn).id);
  });

  it('keeps the newest requests within maxRequests and says how many files it left out', async () => {
    const written = await writeHours([7, 8, 9, 10], 800);
    const index = new TraceIndex({ dir: temp.dir, maxRequests: 1500 });
    await index.refresh();
    const coverage = index.coverage();
    expect(coverage.requests).toBeLessThanOrEqual(1500);
    expect(coverage.filesLeftOut).toBeGreaterThan(0);
    const found = ids(index);
    // Newest first, and the newest hour complete.
    expect(found.slice(0, 800)).toEqual([...written.get(10)!].reverse());
    expect(found).not.toContain(written.get(7)![0]);
  });
});

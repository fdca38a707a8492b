import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TraceWriter } from '../../src/traces/trace-writer.js';
import { traceMetadataFields } from '../../src/traces/trace-record.js';
import { makeRecord, makeTempDir, readAllTraceLines, traceSettings } from './trace-fixtures.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
});
afterEach(async () => {
  await cleanup();
});

async function currentLines(): Promise<string[]> {
  return (await readFile(join(dir, 'traces.jsonl'), 'utf8')).split('\n').filter((line) => line !== '');
}

describe('TraceWriter lines', () => {
  it('writes one line per record, fields in the fixed order, whatever order the object was built in', async () => {
    const writer = new TraceWriter(traceSettings(dir));
    const record = makeRecord();
    const shuffled = Object.fromEntries(Object.entries(record).reverse()) as typeof record;
    writer.write(shuffled);
    await writer.close();
    const [line] = await currentLines();
    const keys = Object.keys(JSON.parse(line!));
    // attempts and budget are written only when there is something to say.
    expect(keys).toEqual([...traceMetadataFields.filter((field) => field !== 'attempts' && field !== 'budget'), 'request', 'response']);
    expect(line!.startsWith('{"ts":"2026-11-24T07:20:00.000Z","id":"req_')).toBe(true);
    expect(writer.stats()).toMatchObject({ linesWritten: 1, linesDropped: 0, bodiesDropped: 0, queuedBytes: 0 });
  });

  it('serializes at write() time: changing the record afterwards changes nothing', async () => {
    const writer = new TraceWriter(traceSettings(dir));
    const record = makeRecord({ status: 200 });
    writer.write(record);
    record.status = 500;
    (record.request as { model: string }).model = 'changed';
    await writer.close();
    const parsed = JSON.parse((await currentLines())[0]!);
    expect(parsed.status).toBe(200);
    expect(parsed.request.model).toBe('claude-sonnet-4-5');
  });

  it('writes only known fields, so a stray secret on the object never reaches the file', async () => {
    const writer = new TraceWriter(traceSettings(dir));
    const record = Object.assign(makeRecord(), { headers: { 'x-api-key': 'sk-secret-123' }, api_key: 'sk-secret-123' });
    writer.write(record);
    await writer.close();
    expect(await readFile(join(dir, 'traces.jsonl'), 'utf8')).not.toContain('sk-secret-123');
  });

  it('keeps attempts only when more than one attempt was made', async () => {
    const writer = new TraceWriter(traceSettings(dir));
    const one = [{ target: 'anthropic/claude', status: 200, error: null, duration_ms: 10 }];
    const two = [{ target: 'anthropic/claude', status: 529, error: 'SB_UPSTREAM_HTTP: overloaded', duration_ms: 10 }, ...one];
    writer.write(makeRecord({ attempts: one }));
    writer.write(makeRecord({ attempts: two }));
    await writer.close();
    const [first, second] = (await currentLines()).map((line) => JSON.parse(line));
    expect(first.attempts).toBeUndefined();
    expect(second.attempts).toEqual(two);
    expect(Object.keys(second).indexOf('attempts')).toBe(Object.keys(second).indexOf('stream') + 1);
  });

  it('leaves bodies out with capture metadata and turns undefined fields into null', async () => {
    const writer = new TraceWriter(traceSettings(dir, { capture: 'metadata' }));
    const record = makeRecord();
    delete (record as Partial<typeof record>).ttft_ms;
    writer.write(record);
    await writer.close();
    const parsed = JSON.parse((await currentLines())[0]!);
    expect(parsed).not.toHaveProperty('request');
    expect(parsed).not.toHaveProperty('response');
    expect(parsed.ttft_ms).toBeNull();
  });

  it('truncates a body larger than maxBodyBytes visibly, cut at a character boundary', async () => {
    const writer = new TraceWriter(traceSettings(dir, { maxBodyBytes: 1024 }));
    const big = { messages: [{ role: 'user', content: 'é'.repeat(2000) }] };
    writer.write(makeRecord({ request: big }));
    await writer.close();
    const parsed = JSON.parse((await currentLines())[0]!);
    const json = JSON.stringify(big);
    expect(parsed.request).toEqual({ truncated: true, original_bytes: Buffer.byteLength(json), text: expect.any(String) });
    expect(Buffer.byteLength(parsed.request.text)).toBeLessThanOrEqual(1024);
    expect(Buffer.byteLength(parsed.request.text)).toBeGreaterThan(1020);
    expect(json.startsWith(parsed.request.text)).toBe(true);
    expect(parsed.response.type).toBe('message');
  });

  it('drops a record that cannot be serialized without throwing, reports it once, and counts it in the next line', async () => {
    const problems: string[] = [];
    const writer = new TraceWriter(traceSettings(dir), { onProblem: (message) => problems.push(message) });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => writer.write(makeRecord({ request: circular }))).not.toThrow();
    expect(() => writer.write(makeRecord({ response: { tokens: 10n } }))).not.toThrow();
    writer.write(makeRecord({ id: 'fine' }));
    await writer.close();
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/could not be serialized/);
    const lines = (await currentLines()).map((line) => JSON.parse(line));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ id: 'fine', dropped: { lines: 2, bodies: 0 } });
  });

  it('creates a missing folder, and write() after close() is counted, not thrown', async () => {
    const nested = join(dir, 'a', 'b');
    const writer = new TraceWriter(traceSettings(nested));
    writer.write(makeRecord());
    await writer.close();
    expect(() => writer.write(makeRecord())).not.toThrow();
    expect(writer.stats().linesDropped).toBe(1);
    expect((await readFile(join(nested, 'traces.jsonl'), 'utf8')).split('\n')).toHaveLength(2);
  });
});

describe('TraceWriter rotation', () => {
  it('keeps exactly one whole line per record across size rotations under hundreds of concurrent writes', async () => {
    const maxFileBytes = 16 * 1024;
    const writer = new TraceWriter(traceSettings(dir, { maxFileBytes, maxFiles: 1000 }));
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: 600 }, async (_, index) => {
        // Spread the writes over many ticks, as concurrent requests ending would.
        for (let wait = index % 7; wait > 0; wait--) await new Promise((resolve) => setImmediate(resolve));
        const record = makeRecord({ ts: new Date(Date.UTC(2026, 10, 24, 7, 0, index)).toISOString(), response: { text: 'x'.repeat(index % 50) } });
        ids.push(record.id);
        writer.write(record);
      }),
    );
    await writer.close();
    const files = await readAllTraceLines(dir);
    expect(files.size).toBeGreaterThan(10);
    const seen = new Map<string, number>();
    for (const [name, lines] of files) {
      expect((await stat(join(dir, name))).size).toBeLessThanOrEqual(maxFileBytes);
      for (const line of lines) {
        const parsed = JSON.parse(line);
        seen.set(parsed.id, (seen.get(parsed.id) ?? 0) + 1);
      }
      if (name === 'traces.jsonl') continue;
      // The name holds the time range of the lines inside.
      const times = lines.map((line) => JSON.parse(line).ts as string).sort();
      const compact = (iso: string): string => iso.replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
      expect(name).toMatch(new RegExp(`^traces-${compact(times[0]!)}_${compact(times[times.length - 1]!)}(-\\d+)?\\.jsonl$`));
    }
    expect(seen.size).toBe(600);
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
    expect(new Set(ids)).toEqual(new Set(seen.keys()));
  });

  it('rotates at UTC hour boundaries by the injected clock', async () => {
    let now = new Date('2026-11-24T07:59:58.000Z');
    const writer = new TraceWriter(traceSettings(dir, { rotateEvery: 'hourly' }), { now: () => now });
    writer.write(makeRecord({ ts: '2026-11-24T07:59:50.000Z' }));
    writer.write(makeRecord({ ts: '2026-11-24T07:59:57.500Z' }));
    await writer.flush();
    now = new Date('2026-11-24T08:00:01.000Z');
    writer.write(makeRecord({ ts: '2026-11-24T08:00:00.500Z' }));
    await writer.flush();
    now = new Date('2026-11-24T08:30:00.000Z');
    writer.write(makeRecord({ ts: '2026-11-24T08:29:59.000Z' }));
    await writer.close();
    const files = await readAllTraceLines(dir);
    expect([...files.keys()]).toEqual(['traces-20261124T075950Z_20261124T075957Z.jsonl', 'traces.jsonl']);
    expect(files.get('traces.jsonl')).toHaveLength(2);
  });

  it('rotates at startup a traces.jsonl from an earlier day, ending its torn last line first', async () => {
    const old = [JSON.stringify(makeRecord({ ts: '2026-11-23T10:00:00.000Z', id: 'old-1' })), JSON.stringify(makeRecord({ ts: '2026-11-23T23:00:00.000Z', id: 'old-2' }))];
    await writeFile(join(dir, 'traces.jsonl'), `${old.join('\n')}\n{"ts":"2026-11-23T23:59:59.000Z","id":"torn","dura`);
    const writer = new TraceWriter(traceSettings(dir, { rotateEvery: 'daily' }), { now: () => new Date('2026-11-24T09:00:00.000Z') });
    writer.write(makeRecord({ ts: '2026-11-24T08:59:00.000Z', id: 'new-1' }));
    await writer.close();
    const files = await readAllTraceLines(dir);
    expect([...files.keys()]).toEqual(['traces-20261123T100000Z_20261123T235959Z.jsonl', 'traces.jsonl']);
    expect(files.get('traces.jsonl')!.map((line) => JSON.parse(line).id)).toEqual(['new-1']);
  });

  it('appends to a traces.jsonl of the current period, on a fresh line after a torn one', async () => {
    await writeFile(join(dir, 'traces.jsonl'), `${JSON.stringify(makeRecord({ id: 'before' }))}\n{"ts":"2026-11-24T07:21:00.000Z","id":"torn"`);
    const writer = new TraceWriter(traceSettings(dir, { rotateEvery: 'daily' }), { now: () => new Date('2026-11-24T09:00:00.000Z') });
    writer.write(makeRecord({ id: 'after' }));
    await writer.close();
    const lines = await currentLines();
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0]!).id).toBe('before');
    expect(() => JSON.parse(lines[1]!)).toThrow();
    expect(JSON.parse(lines[2]!).id).toBe('after');
  });

  it('gzips rotated files in the background and keeps at most maxFiles', async () => {
    const writer = new TraceWriter(traceSettings(dir, { maxFileBytes: 4096, gzip: true, maxFiles: 3 }));
    for (let index = 0; index < 60; index++) {
      writer.write(makeRecord({ ts: new Date(Date.UTC(2026, 10, 24, 7, 0, index)).toISOString() }));
      if (index % 10 === 9) await writer.flush();
    }
    await writer.close();
    const names = (await readdir(dir)).sort();
    const rotated = names.filter((name) => name !== 'traces.jsonl');
    expect(rotated).toHaveLength(3);
    expect(rotated.every((name) => name.endsWith('.jsonl.gz'))).toBe(true);
    // The newest rotated files are the ones kept.
    const files = await readAllTraceLines(dir);
    const keptIds = [...files.values()].flat().map((line) => JSON.parse(line).ts as string);
    expect(keptIds).toContain('2026-11-24T07:00:59.000Z');
    expect(keptIds).not.toContain('2026-11-24T07:00:00.000Z');
  });

  it('at startup deletes rotated files older than maxAgeDays, finishes interrupted gzips and drops their leftovers', async () => {
    const now = new Date('2026-11-24T09:00:00.000Z');
    const line = `${JSON.stringify(makeRecord())}\n`;
    await writeFile(join(dir, 'traces-20261001T000000Z_20261001T235959Z.jsonl.gz'), 'old');
    await writeFile(join(dir, 'traces-20261120T000000Z_20261120T235959Z.jsonl'), line);
    await writeFile(join(dir, 'traces-20261120T000000Z_20261120T235959Z.jsonl.gz.tmp'), 'half a gzip');
    await writeFile(join(dir, 'traces-20261121T000000Z_20261121T235959Z.jsonl'), line);
    await writeFile(join(dir, 'traces-20261121T000000Z_20261121T235959Z.jsonl.gz'), (await import('node:zlib')).gzipSync(line));
    await writeFile(join(dir, 'notes.txt'), 'not ours');
    const writer = new TraceWriter(traceSettings(dir, { gzip: true, maxAgeDays: 30 }), { now: () => now });
    await writer.close();
    expect((await readdir(dir)).sort()).toEqual([
      'notes.txt',
      'traces-20261120T000000Z_20261120T235959Z.jsonl.gz',
      'traces-20261121T000000Z_20261121T235959Z.jsonl.gz',
    ]);
    const files = await readAllTraceLines(dir);
    expect(files.get('traces-20261120T000000Z_20261120T235959Z.jsonl.gz')).toEqual([line.trim()]);
  });

  it('switches folders cleanly on reconfigure, losing no line', async () => {
    const second = join(dir, 'second');
    const writer = new TraceWriter(traceSettings(join(dir, 'first')));
    for (let index = 0; index < 50; index++) writer.write(makeRecord({ id: `a${index}` }));
    await writer.flush();
    for (let index = 50; index < 60; index++) writer.write(makeRecord({ id: `a${index}` }));
    // Lines still queued when the folder changes go to the new folder.
    writer.reconfigure(traceSettings(second));
    for (let index = 0; index < 50; index++) writer.write(makeRecord({ id: `b${index}` }));
    await writer.close();
    const first = await readAllTraceLines(join(dir, 'first'));
    const next = await readAllTraceLines(second);
    const ids = [...first.values(), ...next.values()].flat().map((line) => JSON.parse(line).id as string);
    expect(ids).toHaveLength(110);
    expect(new Set(ids).size).toBe(110);
    expect([...first.values()].flat()).toHaveLength(50);
    expect([...next.values()].flat().map((line) => JSON.parse(line).id)).toContain('b49');
    expect(writer.stats().file).toBe(join(second, 'traces.jsonl'));
  });

  it('writes nothing while disabled', async () => {
    const writer = new TraceWriter(traceSettings(dir, { enabled: false }));
    writer.write(makeRecord());
    await writer.close();
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('TraceWriter under pressure and disk failure', () => {
  it('drops bodies first, then whole lines, and the next line written carries the counts', async () => {
    const line = Buffer.byteLength(`${JSON.stringify(makeRecord())}\n`);
    const writer = new TraceWriter(traceSettings(dir), { maxQueueBytes: line * 20 });
    // One synchronous burst: the loop cannot write until it ends, as with a disk far slower than traffic.
    for (let index = 0; index < 200; index++) writer.write(makeRecord({ request: { pad: 'p'.repeat(400) } }));
    const burst = writer.stats();
    expect(burst.bodiesDropped).toBeGreaterThan(0);
    expect(burst.linesDropped).toBeGreaterThan(0);
    expect(burst.queuedBytes).toBeLessThanOrEqual(line * 20);
    await writer.flush();
    writer.write(makeRecord({ id: 'after-burst' }));
    await writer.close();
    const parsed = (await currentLines()).map((text) => JSON.parse(text));
    expect(parsed).toHaveLength(200 - burst.linesDropped + 1);
    const withoutBodies = parsed.filter((record) => record.request?.truncated === true && record.request.text === '');
    expect(withoutBodies).toHaveLength(burst.bodiesDropped);
    expect(withoutBodies[0].response).toMatchObject({ truncated: true, text: '' });
    // Each line's `dropped` counts what was lost since the line before it; together they add up.
    const reported = parsed.reduce((sum, record) => ({ lines: sum.lines + (record.dropped?.lines ?? 0), bodies: sum.bodies + (record.dropped?.bodies ?? 0) }), { lines: 0, bodies: 0 });
    expect(reported).toEqual({ lines: burst.linesDropped, bodies: burst.bodiesDropped });
    expect(parsed[parsed.length - 1]).toMatchObject({ id: 'after-burst', dropped: { lines: burst.linesDropped } });
  });

  it('survives a folder it cannot create: write() never throws, the problem is reported once, and writing resumes when it can', async () => {
    const blocker = join(dir, 'blocker');
    await writeFile(blocker, 'a file where the folder should be');
    const problems: string[] = [];
    const writer = new TraceWriter(traceSettings(join(blocker, 'traces')), { onProblem: (message) => problems.push(message), retryDelayMs: 20 });
    for (let index = 0; index < 100; index++) expect(() => writer.write(makeRecord({ id: `r${index}` }))).not.toThrow();
    await writer.flush();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/cannot write trace lines/);
    expect(writer.stats().lastError).toMatch(/ENOTDIR|EEXIST/);
    await rm(blocker);
    await waitUntil(async () => writer.stats().linesWritten === 100);
    expect(problems[1]).toMatch(/written to .* again/);
    expect(writer.stats().lastError).toBeUndefined();
    await writer.close();
    expect(await readFile(join(blocker, 'traces', 'traces.jsonl'), 'utf8')).toContain('"id":"r99"');
  });

  it('while the file cannot be written keeps counting drops, reports once, and reports the losses in the first line after recovery', async () => {
    // A folder in the file's place fails every open, as a full disk fails every write. (A link to
    // /dev/full would be refused as a link, before any write.)
    await mkdir(join(dir, 'traces.jsonl'), { recursive: true });
    const problems: string[] = [];
    const line = Buffer.byteLength(`${JSON.stringify(makeRecord())}\n`);
    const writer = new TraceWriter(traceSettings(dir), { onProblem: (message) => problems.push(message), retryDelayMs: 20, maxQueueBytes: line * 10 });
    for (let round = 0; round < 5; round++) {
      for (let index = 0; index < 10; index++) writer.write(makeRecord());
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    expect(problems.filter((problem) => problem.includes('EISDIR'))).toHaveLength(1);
    const during = writer.stats();
    expect(during.linesDropped).toBeGreaterThan(0);
    expect(during.lastError).toMatch(/EISDIR/);
    expect(during.writeFailures).toBeGreaterThan(1);
    await rm(join(dir, 'traces.jsonl'), { recursive: true });
    await waitUntil(async () => writer.stats().queuedBytes === 0);
    writer.write(makeRecord({ id: 'after-recovery' }));
    await writer.close();
    const parsed = (await currentLines()).map((text) => JSON.parse(text));
    // The queued lines survived the outage; only the overflow was dropped, and it is reported.
    expect(parsed.length + writer.stats().linesDropped).toBe(51);
    expect(writer.stats().linesDropped).toBe(during.linesDropped);
    expect(parsed.some((record) => record.dropped?.lines > 0)).toBe(true);
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/gateway-under-test.js';
import { makeTempDir } from '../helpers/test-config.js';

const run = promisify(execFile);

/** Every metric `npm run bench` reports; a metric dropped from the benchmark fails here. */
const expectedMetrics = [
  ...['c1', 'c16', 'c64'].flatMap((c) => ['passthrough', 'translated'].flatMap((route) => [`small.${route}.${c}.p50`, `small.${route}.${c}.p99`])),
  ...['c16', 'c64'].flatMap((c) => [`small.passthrough.${c}.rps`, `small.translated.${c}.rps`, `traces.small.${c}.rps`]),
  'traces.small.c1.p50',
  ...['1k', '10k', '100k'].flatMap((tier) => [
    `size.${tier}.passthrough.p50`,
    `size.${tier}.passthrough.p99`,
    `size.${tier}.translated.p50`,
    `size.${tier}.translated.p99`,
    `traces.size.${tier}.p50`,
  ]),
  ...['passthrough', 'translated'].flatMap((route) => [
    `stream.${route}.ttfb.p50`,
    `stream.${route}.total.p50`,
    `stream.${route}.coalesced`,
    `stream.${route}.c64.gap.p99`,
    `stream.${route}.c64.hold.p99`,
  ]),
  'stream.c64.coalesced',
  'stream.incomplete',
  'memory.rss.before',
  'memory.rss.after',
  'memory.rss.growth',
  'memory.rss.peak',
  'memory.streams100k.passthrough.peak',
  'memory.streams100k.translated.peak',
  'cpu.passthrough.per1000',
  'cpu.translated.per1000',
  'traces.cpu.per1000',
  'traces.rss.after',
  'flood.rejections_per_s',
  'flood.upstream_requests',
  ...[128, 512].flatMap((size) => [`pool.${size}.ttfb.p50`, `pool.${size}.ttfb.p99`]),
  'limits.redis.c16.rps',
  'limits.redis.c64.rps',
  'observability.c16.rps',
  'observability.c64.rps',
  'observability.cpu.per1000',
  'observability.console.cpu.per1000',
];

interface ResultRow {
  id: string;
  gateway: number | null;
  pass: boolean | null;
}

describe('npm run bench (quick mode)', () => {
  const temp = makeTempDir('switchboard-bench-smoke-');
  afterAll(async () => (await temp).remove());

  it(
    'runs every phase against real processes and writes a result with every metric',
    async () => {
      const { dir } = await temp;
      const out = path.join(dir, 'result.json');
      const { stdout } = await run(process.execPath, [path.join(repoRoot, 'bench/run.js'), '--quick', '--out', out], { cwd: repoRoot, timeout: 120_000 });
      const result = JSON.parse(await readFile(out, 'utf8')) as { mode: string; machine: { cores: number; node: string }; load: unknown[]; metrics: Record<string, ResultRow> };

      expect(result.mode).toBe('quick');
      expect(result.machine.cores).toBeGreaterThan(0);
      expect(result.load.length).toBeGreaterThan(1);
      expect(Object.keys(result.metrics).sort()).toEqual([...expectedMetrics].sort());
      for (const id of expectedMetrics) {
        expect(typeof result.metrics[id]?.gateway, id).toBe('number');
        expect(Number.isFinite(result.metrics[id]?.gateway), id).toBe(true);
      }
      // Correctness, not timing: the streams arrived whole and in order, and no refused request reached the provider.
      expect(result.metrics['stream.incomplete']?.gateway).toBe(0);
      expect(result.metrics['flood.upstream_requests']?.gateway).toBe(0);
      expect(result.metrics['flood.rejections_per_s']?.pass).toBe(true);
      expect(stdout).toContain('| metric | unit | direct | floor | gateway |');
    },
    // Eight processes start one after another (the observability phase adds a gateway and an OTLP sink).
    120_000,
  );
});

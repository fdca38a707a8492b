#!/usr/bin/env node
// @ts-check
/**
 * `npm run bench`: the gateway against calling the fake provider directly and
 * against a bare undici reverse proxy (the floor), all separate processes on
 * this machine, measured in the same run. Prints a Markdown table and writes
 * a JSON result file. docs/performance.md says how to read it.
 *
 * Usage: node bench/run.js [--quick] [--out FILE] [--only PHASES] [--cpu-prof] [--strict]
 *   --quick        a few requests per measurement (a smoke run; numbers mean nothing)
 *   --out FILE     where to write the JSON (default bench/results/bench-<time>.json)
 *   --only PHASES  comma-separated subset of: small, sizes, streams, memory, big-streams, flood, pool, limits, observability
 *   --cpu-prof     run the gateways under --cpu-prof; profiles go next to the JSON
 *   --gateway-bin FILE  another build's bin/switchboard.js (before/after comparisons; default this repo's)
 *   --strict       exit 1 when a target is missed
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { closePools, poolFor, runClosedLoop, runInterleaved, runStreams } from './lib/drive.js';
import { anthropicBody, tiers } from './lib/bodies.js';
import { benchAdminSecret, benchSecret, models, providerKeyEnv, writeGatewayConfig } from './lib/gateway-config.js';
import { processUsage, repoRoot, resetPeakRss, startFakeProvider, startFloorProxy, startGatewayProcess, startOtlpSink } from './lib/processes.js';
import { startRedisServer } from './lib/redis.js';
import { describeMachine, latencyRow, machineLoad, markdownTable, ratioRow } from './lib/report.js';
import { percentile } from './lib/stats.js';

/** @typedef {import('./lib/drive.js').Target} Target */
/** @typedef {import('./lib/report.js').Row} Row */

const { values: options } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    only: { type: 'string' },
    'gateway-bin': { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    strict: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});

if (options.help) {
  process.stdout.write('Usage: node bench/run.js [--quick] [--out FILE] [--only small,sizes,streams,memory,big-streams,flood,pool,limits,observability] [--cpu-prof] [--gateway-bin FILE] [--strict]\nSee docs/performance.md.\n');
  process.exit(0);
}

const phases = ['small', 'sizes', 'streams', 'memory', 'big-streams', 'flood', 'pool', 'limits', 'observability'];
const only = options.only === undefined ? phases : options.only.split(',').map((name) => name.trim());
const unknownPhase = only.find((name) => !phases.includes(name));
if (unknownPhase !== undefined) {
  process.stderr.write(`--only: unknown phase "${unknownPhase}"; phases are ${phases.join(', ')}\n`);
  process.exit(2);
}

/**
 * How much of everything. The full plan fits in about three minutes on two cores; the quick one in seconds.
 */
const plan = options.quick
  ? { warmup: 20, c1: 40, loadRequests: 200, loadMs: 600, rounds: 2, tierCounts: { '1k': 10, '10k': 6, '100k': 4 }, streams: 4, streamRounds: 2, exactStreams: 2, loadStreams: 8, memoryRequests: 400, memoryBatches: 4, bigStreams: 8, flood: 300, floodMs: 1000, streamDeltas: 20, poolStreams: 8, poolDeltas: 5 }
  : { warmup: 600, c1: 3000, loadRequests: 200_000, loadMs: 2400, rounds: 3, tierCounts: { '1k': 900, '10k': 600, '100k': 300 }, streams: 40, streamRounds: 4, exactStreams: 8, loadStreams: 64, memoryRequests: 10_000, memoryBatches: 5, bigStreams: 64, flood: 30_000, floodMs: 3000, streamDeltas: 200, poolStreams: 200, poolDeltas: 100 };

/** @param {string} message */
const progress = (message) => process.stderr.write(`[bench ${((performance.now() - startedAt) / 1000).toFixed(1)}s] ${message}\n`);
const startedAt = performance.now();

async function main() {
  if (!existsSync(path.join(repoRoot, 'dist/cli/main.js'))) {
    process.stderr.write('dist/ is missing: run `npm run build` (npm install does it through `prepare`).\n');
    return 1;
  }
  const resultsDir = path.join(repoRoot, 'bench/results');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const outFile = path.resolve(options.out ?? path.join(resultsDir, `bench-${stamp}.json`));
  const profileDir = path.join(path.dirname(outFile), `profiles-${stamp}`);
  const work = await mkdtemp(path.join(os.tmpdir(), 'switchboard-bench-'));
  /** @type {Array<{ stop(): Promise<void> }>} */
  const services = [];
  try {
    const loads = [{ phase: 'start', ...machineLoad() }];
    /** @param {string} phase */
    const phase = (phase) => {
      progress(phase);
      loads.push({ phase, ...machineLoad() });
    };

    phase('starting fake provider, floor proxy and gateways');
    const fake = await startFakeProvider();
    services.push(fake);
    const floor = await startFloorProxy(fake.url);
    services.push(floor);
    await writeGatewayConfig(path.join(work, 'traces-off'), { fakeUrl: fake.url, traces: false });
    await writeGatewayConfig(path.join(work, 'traces-on'), { fakeUrl: fake.url, traces: { dir: path.join(work, 'traces') } });
    const nodeArgs = options['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
    const bin = options['gateway-bin'] === undefined ? undefined : path.resolve(options['gateway-bin']);
    const limitServices = only.includes('limits') ? startLimitServices(fake.url, work, { nodeArgs, env: providerKeyEnv, bin }, services) : undefined;
    // Awaited in its phase; a failure before then must not go unhandled.
    limitServices?.catch(() => undefined);
    const gateway = await startGatewayProcess('gateway', path.join(work, 'traces-off'), { nodeArgs, env: providerKeyEnv, bin });
    services.push(gateway);
    const traced = await startGatewayProcess('gateway (traces on)', path.join(work, 'traces-on'), { nodeArgs, env: providerKeyEnv, bin });
    services.push(traced);

    const requests = await buildRequests(fake.url, floor.url, gateway.url, traced.url);
    /** @type {Row[]} */
    const rows = [];
    /** @type {Record<string, unknown>} */
    const details = {};

    phase('warm-up');
    for (const target of Object.values(requests.small)) await runClosedLoop(target, { concurrency: 4, maxRequests: plan.warmup, maxMs: 10_000 });
    for (const tier of Object.values(requests.tiers)) for (const target of Object.values(tier)) await runClosedLoop(target, { concurrency: 2, maxRequests: Math.ceil(plan.warmup / 20), maxMs: 5000 });

    if (only.includes('small')) await measureSmall(requests.small, rows, details, phase);
    if (only.includes('sizes')) await measureTiers(requests.tiers, rows, details, phase);
    if (only.includes('streams')) await measureStreaming(fake.url, floor.url, gateway.url, rows, details, phase);
    if (only.includes('memory')) await measureMemoryAndCpu(requests.small, { fake: fake.child.pid, floor: floor.child.pid, gateway: gateway.child.pid, traced: traced.child.pid }, rows, details, phase);
    if (only.includes('big-streams')) await measureBigStreams(fake.url, floor, gateway, rows, details, phase);
    if (only.includes('flood')) await measureFlood(fake.url, gateway.url, rows, details, phase);
    if (only.includes('pool')) await measurePoolSizes(fake.url, work, { nodeArgs, bin }, services, rows, details, phase);
    if (limitServices) await measureLimitStores(requests.small.passthrough, limitServices, rows, details, phase);
    if (only.includes('observability')) await measureObservability({ fakeUrl: fake.url, plain: requests.small.passthrough, plainPid: gateway.child.pid, work, nodeArgs, bin, services }, rows, details, phase);

    const peak = processUsage(gateway.child.pid);
    const floorPeak = processUsage(floor.child.pid);
    const tracedPeak = processUsage(traced.child.pid);
    details.processes = { fake: processUsage(fake.child.pid), floor: floorPeak, gateway: peak, traced: tracedPeak };
    phase('done');

    const result = {
      benchmark: 'switchboard',
      mode: options.quick ? 'quick' : 'full',
      phases: only,
      startedAt: new Date(Date.now() - (performance.now() - startedAt)).toISOString(),
      durationSeconds: Math.round((performance.now() - startedAt) / 100) / 10,
      machine: describeMachine(),
      load: loads,
      plan,
      metrics: Object.fromEntries(rows.map((row) => [row.id, row])),
      targets: { passed: rows.filter((row) => row.pass === true).length, missed: rows.filter((row) => row.pass === false).map((row) => row.id) },
      details,
    };
    await mkdir(path.dirname(outFile), { recursive: true });
    await writeFile(outFile, `${JSON.stringify(result, null, 2)}\n`);

    const machine = result.machine;
    process.stdout.write(`\n## Switchboard benchmark (${result.mode}), ${result.startedAt}\n\n`);
    process.stdout.write(`Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryMiB} MiB, Node ${machine.node}, ${machine.os}\n`);
    process.stdout.write(`Load average at start ${loads[0]?.loadavg.join(' ')}, at end ${loads.at(-1)?.loadavg.join(' ')}\n\n`);
    process.stdout.write(`${markdownTable(rows)}\n\n`);
    process.stdout.write(`Targets: ${result.targets.passed} passed, ${result.targets.missed.length} missed${result.targets.missed.length ? ` (${result.targets.missed.join(', ')})` : ''}. ${result.durationSeconds} s. JSON: ${path.relative(process.cwd(), outFile)}\n`);
    if (options['cpu-prof']) process.stdout.write(`CPU profiles of the gateways: ${path.relative(process.cwd(), profileDir)} (summarise with node bench/profile-summary.js FILE)\n`);
    return options.strict && result.targets.missed.length > 0 ? 1 : 0;
  } finally {
    await closePools();
    // Stopped one by one, gateways first, so --cpu-prof profiles are written on a clean exit.
    for (const service of services.reverse()) await service.stop();
    await rm(work, { recursive: true, force: true });
  }
}

/** Provider pool sizes compared by the pool phase: the old default and the new one. */
const poolSizes = [128, 512];

/**
 * Time to first byte of `poolStreams` concurrent streams (10 ms between events, so each holds its
 * upstream connection for about a second) through gateways whose providers have different
 * `max_connections`: the streams beyond the pool size wait for a connection, and it shows in the
 * p99. Direct to the fake at the same concurrency is the baseline.
 * @param {string} fakeUrl
 * @param {string} work
 * @param {{ nodeArgs: string[], bin: string | undefined }} start
 * @param {Array<{ stop(): Promise<void> }>} services
 * @param {Row[]} rows
 * @param {Record<string, unknown>} details
 * @param {PhaseMark} phase
 */
async function measurePoolSizes(fakeUrl, work, start, services, rows, details, phase) {
  const options = { historyBytes: 0, stream: true, maxTokens: plan.poolDeltas, gapMs: 10 };
  const load = { concurrency: plan.poolStreams, count: plan.poolStreams * 2 };
  /** @param {import('./lib/drive.js').StreamResult[]} results */
  const ttfb = (results) => {
    const failed = results.filter((result) => result.error !== undefined);
    return { p50: percentile(results.map((r) => r.ttfbMs), 50), p99: percentile(results.map((r) => r.ttfbMs), 99), errors: failed.length, firstError: failed[0]?.error };
  };
  phase(`${plan.poolStreams} concurrent streams: direct`);
  const direct = ttfb(await runStreams(target('direct', fakeUrl, '/v1/messages', anthropicHeaders, anthropicBody({ ...options, model: models.anthropicUpstream })), load));
  /** @type {Record<string, unknown>} */
  const raw = { direct };
  // Started together: a gateway takes seconds to start on a busy machine.
  const gateways = await Promise.all(
    poolSizes.map(async (size) => {
      const dir = path.join(work, `pool-${size}`);
      await writeGatewayConfig(dir, { fakeUrl, traces: false, maxConnections: size });
      const gateway = await startGatewayProcess(`gateway (max_connections ${size})`, dir, { nodeArgs: start.nodeArgs, env: providerKeyEnv, bin: start.bin });
      services.push(gateway);
      return gateway;
    }),
  );
  for (const [index, size] of poolSizes.entries()) {
    const gateway = gateways[index];
    if (gateway === undefined) continue;
    phase(`${plan.poolStreams} concurrent streams: gateway with max_connections ${size}`);
    const passthrough = target(`gateway max_connections ${size}`, gateway.url, '/anthropic/v1/messages', gatewayHeaders, anthropicBody({ ...options, model: models.passthrough }));
    const measured = ttfb(await runStreams(passthrough, load));
    raw[`max_connections ${size}`] = measured;
    const note = measured.errors ? `${measured.errors} streams failed: ${measured.firstError}` : undefined;
    for (const quantile of /** @type {const} */ (['p50', 'p99'])) {
      const row = latencyRow(`pool.${size}.ttfb.${quantile}`, `${plan.poolStreams} concurrent streams, max_connections ${size}: time to first byte ${quantile}`, { direct: direct[quantile], gateway: measured[quantile] });
      rows.push(note === undefined ? row : { ...row, note: `${row.note}; ${note}` });
    }
  }
  details.pool = raw;
}

/**
 * @param {string} name
 * @param {string} base
 * @param {string} requestPath
 * @param {Record<string, string>} headers
 * @param {string} body
 * @returns {Target}
 */
function target(name, base, requestPath, headers, body) {
  return { name, pool: poolFor(base), path: requestPath, headers: { 'content-type': 'application/json', ...headers }, body };
}

const anthropicHeaders = { 'x-api-key': providerKeyEnv.SWITCHBOARD_BENCH_PROVIDER_KEY, 'anthropic-version': '2023-06-01', 'user-agent': 'switchboard-bench' };
const chatHeaders = { authorization: `Bearer ${providerKeyEnv.SWITCHBOARD_BENCH_PROVIDER_KEY}`, 'user-agent': 'switchboard-bench' };
const gatewayHeaders = { 'x-api-key': benchSecret, 'anthropic-version': '2023-06-01', 'user-agent': 'switchboard-bench' };

/**
 * The request the gateway sends upstream for a translated request, as the
 * fake provider received it: the "direct" baseline of translation is this
 * exact chat body sent straight to the fake.
 * @param {string} fakeUrl
 * @param {string} gatewayUrl
 * @param {string} anthropicRequest
 */
async function translatedUpstreamBody(fakeUrl, gatewayUrl, anthropicRequest) {
  const pool = poolFor(gatewayUrl);
  const response = await pool.request({ method: 'POST', path: '/anthropic/v1/messages', headers: { 'content-type': 'application/json', ...gatewayHeaders }, body: anthropicRequest });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`translated request failed: HTTP ${response.statusCode}: ${text.slice(0, 300)}`);
  const last = await poolFor(fakeUrl).request({ method: 'GET', path: '/__bench/last-body' });
  return last.body.text();
}

/**
 * Every non-streaming request the benchmark sends, per endpoint.
 * @param {string} fakeUrl
 * @param {string} floorUrl
 * @param {string} gatewayUrl
 * @param {string} tracedUrl
 */
async function buildRequests(fakeUrl, floorUrl, gatewayUrl, tracedUrl) {
  /** @param {number} historyBytes */
  const set = async (historyBytes) => {
    const direct = anthropicBody({ model: models.anthropicUpstream, historyBytes });
    const translatedRequest = anthropicBody({ model: models.translated, historyBytes });
    const chat = await translatedUpstreamBody(fakeUrl, gatewayUrl, translatedRequest);
    const passthroughRequest = anthropicBody({ model: models.passthrough, historyBytes });
    return {
      direct: target('direct', fakeUrl, '/v1/messages', anthropicHeaders, direct),
      floor: target('floor', floorUrl, '/v1/messages', anthropicHeaders, direct),
      passthrough: target('gateway passthrough', gatewayUrl, '/anthropic/v1/messages', gatewayHeaders, passthroughRequest),
      directChat: target('direct (chat)', fakeUrl, '/v1/chat/completions', chatHeaders, chat),
      floorChat: target('floor (chat)', floorUrl, '/v1/chat/completions', chatHeaders, chat),
      translated: target('gateway translated', gatewayUrl, '/anthropic/v1/messages', gatewayHeaders, translatedRequest),
      traced: target('gateway traces on', tracedUrl, '/anthropic/v1/messages', gatewayHeaders, passthroughRequest),
    };
  };
  return {
    small: await set(0),
    tiers: { '1k': await set(tiers['1k']), '10k': await set(tiers['10k']), '100k': await set(tiers['100k']) },
  };
}

/**
 * @typedef {Awaited<ReturnType<typeof buildRequests>>['small']} RequestSet
 * @typedef {(name: string) => void} PhaseMark
 */

/**
 * Small requests: latency at concurrency 1, 16, 64 and throughput at 16 and 64, passthrough and translated, traces on.
 * @param {RequestSet} small
 * @param {Row[]} rows
 * @param {Record<string, unknown>} details
 * @param {PhaseMark} phase
 */
async function measureSmall(small, rows, details, phase) {
  const targets = [small.direct, small.floor, small.passthrough, small.directChat, small.translated, small.traced];
  /** @type {Record<string, unknown>} */
  const raw = {};
  for (const concurrency of [1, 16, 64]) {
    phase(`small requests, concurrency ${concurrency}`);
    const results = concurrency === 1
      ? await runInterleaved(targets, { concurrency: 1, maxRequests: plan.c1, maxMs: 60_000, rounds: plan.rounds })
      : await runInterleaved(targets, { concurrency, maxRequests: plan.loadRequests, maxMs: plan.loadMs, rounds: plan.rounds });
    const stat = (/** @type {string} */ name, /** @type {number} */ p) => percentile(results.get(name)?.latencies ?? [], p);
    const rps = (/** @type {string} */ name) => results.get(name)?.rps ?? NaN;
    raw[`c${concurrency}`] = Object.fromEntries([...results].map(([name, result]) => [name, { count: result.completed, errors: result.errors, firstError: result.firstError, rps: result.rps, p50: percentile(result.latencies, 50), p99: percentile(result.latencies, 99) }]));
    const c = `c${concurrency}`;
    const p50Target = concurrency === 1 ? { maxAddedVsFloor: 1.3 } : {};
    const p99Target = concurrency === 1 ? { maxAddedVsFloor: 2 } : {};
    rows.push(
      latencyRow(`small.passthrough.${c}.p50`, `small, passthrough, c${concurrency}: latency p50`, { direct: stat('direct', 50), floor: stat('floor', 50), gateway: stat('gateway passthrough', 50) }, p50Target),
      latencyRow(`small.passthrough.${c}.p99`, `small, passthrough, c${concurrency}: latency p99`, { direct: stat('direct', 99), floor: stat('floor', 99), gateway: stat('gateway passthrough', 99) }, p99Target),
      latencyRow(`small.translated.${c}.p50`, `small, translated, c${concurrency}: latency p50`, { direct: stat('direct (chat)', 50), gateway: stat('gateway translated', 50) }),
      latencyRow(`small.translated.${c}.p99`, `small, translated, c${concurrency}: latency p99`, { direct: stat('direct (chat)', 99), gateway: stat('gateway translated', 99) }),
    );
    if (concurrency === 1) {
      rows.push(latencyRow(`traces.small.${c}.p50`, 'traces on (full), small, c1: latency p50', { direct: stat('direct', 50), floor: stat('gateway passthrough', 50), gateway: stat('gateway traces on', 50), floorKind: 'traces-off added' }));
      continue;
    }
    const floorRps = rps('floor');
    rows.push(
      ratioRow(`small.passthrough.${c}.rps`, `small, passthrough, c${concurrency}: throughput`, 'req/s', { direct: rps('direct'), floor: floorRps, gateway: rps('gateway passthrough') }, { text: '≥ 0.6× floor', pass: rps('gateway passthrough') >= 0.6 * floorRps }),
      ratioRow(`small.translated.${c}.rps`, `small, translated, c${concurrency}: throughput`, 'req/s', { direct: rps('direct (chat)'), floor: floorRps, gateway: rps('gateway translated') }, { text: '≥ 0.4× floor', pass: rps('gateway translated') >= 0.4 * floorRps }),
      ratioRow(`traces.small.${c}.rps`, `traces on (full), small, c${concurrency}: throughput`, 'req/s', { direct: rps('direct'), floor: rps('gateway passthrough'), gateway: rps('gateway traces on'), floorKind: 'traces-off ratio' }),
    );
  }
  details.small = raw;
}

/**
 * redis-server and the two limited gateways, started while the other gateways start (on a busy machine,
 * starting processes one after the other is most of a quick run).
 * @param {string} fakeUrl
 * @param {string} work
 * @param {{ nodeArgs: string[], env: NodeJS.ProcessEnv, bin: string | undefined }} options
 * @param {Array<{ stop(): Promise<void> }>} services where they are registered for the final stop
 */
async function startLimitServices(fakeUrl, work, options, services) {
  const redis = await startRedisServer();
  services.push(redis);
  await writeGatewayConfig(path.join(work, 'limits-memory'), { fakeUrl, traces: false, limits: { store: 'memory' } });
  await writeGatewayConfig(path.join(work, 'limits-redis'), { fakeUrl, traces: false, limits: { store: redis.url } });
  const [memoryGateway, redisGateway] = await Promise.all([
    startGatewayProcess('gateway (limits, in-process store)', path.join(work, 'limits-memory'), options),
    startGatewayProcess('gateway (limits, Redis store)', path.join(work, 'limits-redis'), options),
  ]);
  services.push(memoryGateway, redisGateway);
  return { memoryGateway, redisGateway };
}

/**
 * A key with limits and a budget (so every request is admitted and settled through the store), counted
 * in-process and in a real redis-server: passthrough throughput of the two at concurrency 16 and 64,
 * with the unlimited gateway for reference. Target: the Redis store keeps ≥ 0.8× the in-process rate.
 * @param {Target} unlimited the passthrough request to the gateway without limits
 * @param {ReturnType<typeof startLimitServices>} started
 * @param {Row[]} rows
 * @param {Record<string, unknown>} details
 * @param {PhaseMark} phase
 */
async function measureLimitStores(unlimited, started, rows, details, phase) {
  phase('limited gateways ready');
  const { memoryGateway, redisGateway } = await started;
  const limited = (/** @type {string} */ name, /** @type {string} */ url) => ({ ...unlimited, name, pool: poolFor(url) });
  const targets = [unlimited, limited('limits in-process', memoryGateway.url), limited('limits redis', redisGateway.url)];
  for (const target of targets.slice(1)) await runClosedLoop(target, { concurrency: 4, maxRequests: plan.warmup, maxMs: 10_000 });
  /** @type {Record<string, unknown>} */
  const raw = {};
  for (const concurrency of [16, 64]) {
    phase(`limited key, in-process vs Redis store, concurrency ${concurrency}`);
    const results = await runInterleaved(targets, { concurrency, maxRequests: plan.loadRequests, maxMs: plan.loadMs, rounds: plan.rounds });
    const rps = (/** @type {string} */ name) => results.get(name)?.rps ?? NaN;
    raw[`c${concurrency}`] = Object.fromEntries([...results].map(([name, result]) => [name, { count: result.completed, errors: result.errors, firstError: result.firstError, rps: result.rps, p50: percentile(result.latencies, 50), p99: percentile(result.latencies, 99) }]));
    const memoryRps = rps('limits in-process');
    const redisRps = rps('limits redis');
    rows.push(
      ratioRow(`limits.redis.c${concurrency}.rps`, `limited key, c${concurrency}: throughput, Redis store (floor: in-process store; direct: no limits)`, 'req/s', { direct: rps(unlimited.name), floor: memoryRps, gateway: redisRps }, { text: '≥ 0.8× in-process store', pass: redisRps >= 0.8 * memoryRps }),
    );
  }
  details.limits = raw;
}

/**
 * Request-size tiers at concurrency 1: 1k, 10k, 100k tokens of history, passthrough and translated, traces on.
 * @param {Record<'1k' | '10k' | '100k', RequestSet>} tierSets
 * @param {Row[]} rows
 * @param {Record<string, unknown>} details
 * @param {PhaseMark} phase
 */
async function measureTiers(tierSets, rows, details, phase) {
  /** @type {Record<string, unknown>} */
  const raw = {};
  for (const tier of /** @type {const} */ (['1k', '10k', '100k'])) {
    phase(`${tier}-token requests, concurrency 1`);
    const set = tierSets[tier];
    const targets = [set.direct, set.floor, set.passthrough, set.directChat, set.floorChat, set.translated, set.traced];
    const results = await runInterleaved(targets, { concurrency: 1, maxRequests: plan.tierCounts[tier], maxMs: 60_000, rounds: plan.rounds });
    const stat = (/** @type {string} */ name, /** @type {number} */ p) => percentile(results.get(name)?.latencies ?? [], p);
    raw[tier] = {
      bytes: { anthropic: Buffer.byteLength(set.passthrough.body), chat: Buffer.byteLength(set.directChat.body) },
      ...Object.fromEntries([...results].map(([name, result]) => [name, { count: result.completed, errors: result.errors, firstError: result.firstError, p50: percentile(result.latencies, 50), p99: percentile(result.latencies, 99) }])),
    };
    const kib = `${Math.round(Buffer.byteLength(set.passthrough.body) / 1024)} KiB`;
    rows.push(
      latencyRow(`size.${tier}.passthrough.p50`, `${tier} tokens (${kib}), passthrough: latency p50`, { direct: stat('direct', 50), floor: stat('floor', 50), gateway: stat('gateway passthrough', 50) }),
      latencyRow(`size.${tier}.passthrough.p99`, `${tier} tokens (${kib}), passthrough: latency p99`, { direct: stat('direct', 99), floor: stat('floor', 99), gateway: stat('gateway passthrough', 99) }),
      latencyRow(`size.${tier}.translated.p50`, `${tier} tokens (${kib}), translated: latency p50`, { direct: stat('direct (chat)', 50), floor: stat('floor (chat)', 50), gateway: stat('gateway translated', 50) }, tier === '100k' ? { maxAddedMs: 1.5 } : {}),
      latencyRow(`size.${tier}.translated.p99`, `${tier} tokens (${kib}), translated: latency p99`, { direct: stat('direct (chat)', 99), floor: stat('floor (chat)', 99), gateway: stat('gateway translated', 99) }),
      latencyRow(`traces.size.${tier}.p50`, `traces on (full), ${tier} tokens, passthrough: latency p50`, { direct: stat('direct', 50), floor: stat('gateway passthrough', 50), gateway: stat('gateway traces on', 50), floorKind: 'traces-off added' }),
    );
  }
  details.tiers = raw;
}

/**
 * What the web console and OpenTelemetry export cost: small passthrough
 * requests through a gateway with both on (spans exported to a local sink, a
 * browser's live page following the SSE stream), against the same gateway
 * with both off, interleaved. Traces are off in both, so the difference is
 * the finished-request record, the live figures and the span export alone.
 * The throughput ratio is what the target names; on a machine busy with other
 * work it is noisy, while CPU per request (both gateways' whole processes,
 * the export worker thread included) is not, so both are reported.
 * @param {{ fakeUrl: string, plain: Target, plainPid: number | undefined, work: string, nodeArgs: string[], bin: string | undefined, services: Array<{ stop(): Promise<void> }> }} setup
 * @param {Row[]} rows
 * @param {Record<string, unknown>} details
 * @param {PhaseMark} phase
 */
async function measureObservability(setup, rows, details, phase) {
  phase('console and OpenTelemetry on: starting the OTLP sink and the gateways');
  const sink = await startOtlpSink();
  setup.services.push(sink);
  /** @param {string} name @param {{ otelEndpoint?: string }} observability */
  const start = async (name, observability) => {
    const dir = path.join(setup.work, name.replace(/\W+/g, '-'));
    await writeGatewayConfig(dir, { fakeUrl: setup.fakeUrl, traces: false, observability });
    const started = await startGatewayProcess(name, dir, { nodeArgs: setup.nodeArgs, env: providerKeyEnv, bin: setup.bin });
    setup.services.push(started);
    return started;
  };
  const observed = await start('gateway (console + OTel)', { otelEndpoint: sink.url });
  const consoleOnly = await start('gateway (console)', {});
  const watcher = new AbortController();
  const live = await fetch(`${observed.url}/ui/live/events`, { headers: { accept: 'text/event-stream', authorization: `Bearer ${benchAdminSecret}` }, signal: watcher.signal });
  if (live.status !== 200 || !live.body) throw new Error(`the live stream answered ${live.status}`);
  let liveEvents = 0;
  const reading = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of /** @type {AsyncIterable<Uint8Array>} */ (live.body)) liveEvents += decoder.decode(chunk).split('event: snapshot').length - 1;
  })().catch(() => undefined);
  const observedTarget = { ...setup.plain, name: 'gateway console + OTel', pool: poolFor(observed.url) };
  const consoleTarget = { ...setup.plain, name: 'gateway console only', pool: poolFor(consoleOnly.url) };
  for (const warm of [observedTarget, consoleTarget]) await runClosedLoop(warm, { concurrency: 4, maxRequests: plan.warmup, maxMs: 10_000 });
  const pids = { off: setup.plainPid, on: observed.child.pid, console: consoleOnly.child.pid };
  /** @type {Record<string, unknown>} */
  const raw = {};
  const cpu = { off: 0, on: 0, console: 0 };
  const completed = { off: 0, on: 0, console: 0 };
  const cpuNow = () => ({ off: processUsage(pids.off)?.cpuSeconds ?? NaN, on: processUsage(pids.on)?.cpuSeconds ?? NaN, console: processUsage(pids.console)?.cpuSeconds ?? NaN });
  for (const concurrency of [16, 64]) {
    phase(`console and OpenTelemetry on vs off, small passthrough, concurrency ${concurrency}`);
    const before = cpuNow();
    const results = await runInterleaved([setup.plain, observedTarget, consoleTarget], { concurrency, maxRequests: plan.loadRequests, maxMs: plan.loadMs * 2, rounds: plan.rounds * 2 });
    const after = cpuNow();
    for (const key of /** @type {const} */ (['off', 'on', 'console'])) cpu[key] += after[key] - before[key];
    completed.off += results.get(setup.plain.name)?.completed ?? 0;
    completed.on += results.get(observedTarget.name)?.completed ?? 0;
    completed.console += results.get(consoleTarget.name)?.completed ?? 0;
    const rps = (/** @type {string} */ name) => results.get(name)?.rps ?? NaN;
    raw[`c${concurrency}`] = Object.fromEntries([...results].map(([name, result]) => [name, { count: result.completed, errors: result.errors, firstError: result.firstError, rps: result.rps, p50: percentile(result.latencies, 50), p99: percentile(result.latencies, 99) }]));
    const off = rps(setup.plain.name);
    const on = rps(observedTarget.name);
    rows.push(ratioRow(`observability.c${concurrency}.rps`, `console + OTel on, small passthrough, c${concurrency}: throughput`, 'req/s', { floor: off, gateway: on, floorKind: 'console/OTel-off ratio' }, { text: '≥ 0.95× off', pass: on >= 0.95 * off }));
  }
  const per1000 = (/** @type {'off' | 'on' | 'console'} */ key) => (cpu[key] / completed[key]) * 1000;
  rows.push(
    ratioRow('observability.cpu.per1000', 'console + OTel on: gateway CPU per 1,000 small passthrough requests', 's', { floor: per1000('off'), gateway: per1000('on'), floorKind: 'console/OTel-off ratio' }, { text: '≤ 1.05× off', pass: per1000('on') <= 1.05 * per1000('off') }, 'whole process, export worker included'),
    ratioRow('observability.console.cpu.per1000', 'console on (no OTel): gateway CPU per 1,000 small passthrough requests', 's', { floor: per1000('off'), gateway: per1000('console'), floorKind: 'console-off ratio' }, { text: '≤ 1.05× off', pass: per1000('console') <= 1.05 * per1000('off') }),
  );
  watcher.abort();
  await reading;
  const sinkStats = await (await fetch(`${sink.url}/__sink/stats`)).json();
  details.observability = { ...raw, cpuSeconds: cpu, completed, sink: sinkStats, liveEvents };
}

/**
 * Streams of 200 text deltas: time to first byte and total time one at a
 * time with no gap between events; 1:1 delivery one at a time with 1 ms
 * between events; inter-chunk gaps under 64 concurrent streams with 10 ms
 * between events (about 100 tokens/s, a fast model).
 * @param {string} fakeUrl
 * @param {string} floorUrl
 * @param {string} gatewayUrl
 * @param {Row[]} rows
 * @param {Record<string, unknown>} details
 * @param {PhaseMark} phase
 */
async function measureStreaming(fakeUrl, floorUrl, gatewayUrl, rows, details, phase) {
  /** @param {number} gapMs */
  const streamSet = async (gapMs) => {
    const options = { historyBytes: 0, stream: true, maxTokens: plan.streamDeltas, gapMs };
    const chat = await streamingChatBody(fakeUrl, gatewayUrl, anthropicBody({ ...options, model: models.translated }));
    const direct = anthropicBody({ ...options, model: models.anthropicUpstream });
    return {
      direct: target('direct', fakeUrl, '/v1/messages', anthropicHeaders, direct),
      floor: target('floor', floorUrl, '/v1/messages', anthropicHeaders, direct),
      passthrough: target('gateway passthrough', gatewayUrl, '/anthropic/v1/messages', gatewayHeaders, anthropicBody({ ...options, model: models.passthrough })),
      directChat: target('direct (chat)', fakeUrl, '/v1/chat/completions', chatHeaders, chat),
      floorChat: target('floor (chat)', floorUrl, '/v1/chat/completions', chatHeaders, chat),
      translated: target('gateway translated', gatewayUrl, '/anthropic/v1/messages', gatewayHeaders, anthropicBody({ ...options, model: models.translated })),
    };
  };
  /** @type {Record<string, unknown>} */
  const raw = {};
  /** @type {string[]} */
  const problems = [];
  /**
   * @param {import('./lib/drive.js').StreamResult[]} results
   */
  const check = (results) => {
    for (const result of results) {
      if (result.error) problems.push(result.error);
      else if (result.events !== plan.streamDeltas || !result.inOrder) problems.push(`stream delivered ${result.events}/${plan.streamDeltas} deltas${result.inOrder ? '' : ' out of order'}`);
    }
    return results;
  };
  /** @param {import('./lib/drive.js').StreamResult[]} results */
  const summary = (results) => ({
    streams: results.length,
    ttfbP50: percentile(results.map((r) => r.ttfbMs), 50),
    ttfbP99: percentile(results.map((r) => r.ttfbMs), 99),
    totalP50: percentile(results.map((r) => r.totalMs), 50),
    gapP50: percentile(results.flatMap((r) => r.gapsMs), 50),
    gapP99: percentile(results.flatMap((r) => r.gapsMs), 99),
    holdP50: percentile(results.flatMap((r) => r.holdMs), 50),
    holdP99: percentile(results.flatMap((r) => r.holdMs), 99),
    events: results.reduce((sum, r) => sum + r.events, 0),
    coalescedReads: results.reduce((sum, r) => sum + r.coalescedReads, 0),
  });

  phase('streams, one at a time, no gap between events: total time');
  const fast = await streamSet(0);
  // The stream relays are code the non-streaming warm-up did not run.
  for (const streamTarget of Object.values(fast)) await runStreams(streamTarget, { concurrency: 2, count: plan.streams });
  const fastSummary = await interleavedStreams(Object.values(fast), plan.streams, plan.streamRounds, check, summary);
  raw.noGap = fastSummary;
  const s = (/** @type {string} */ name) => /** @type {ReturnType<typeof summary>} */ (fastSummary[name]);
  rows.push(
    latencyRow('stream.passthrough.total.p50', `stream of ${plan.streamDeltas} deltas, passthrough: total time p50`, { direct: s('direct').totalP50, floor: s('floor').totalP50, gateway: s('gateway passthrough').totalP50 }),
    latencyRow('stream.translated.total.p50', `stream of ${plan.streamDeltas} deltas, translated: total time p50`, { direct: s('direct (chat)').totalP50, floor: s('floor (chat)').totalP50, gateway: s('gateway translated').totalP50 }),
  );

  // Time to first byte is read on paced streams: with no gap, the rest of the
  // stream competes for the two cores with the first event and the reader.
  phase('streams, one at a time, 1 ms between events: time to first byte, 1:1 delivery');
  const paced = await streamSet(1);
  const pacedSummary = await interleavedStreams(Object.values(paced), plan.exactStreams, 2, check, summary);
  raw.paced1ms = pacedSummary;
  const p = (/** @type {string} */ name) => /** @type {ReturnType<typeof summary>} */ (pacedSummary[name]);
  rows.push(
    latencyRow('stream.passthrough.ttfb.p50', `stream, passthrough: time to first byte p50`, { direct: p('direct').ttfbP50, floor: p('floor').ttfbP50, gateway: p('gateway passthrough').ttfbP50 }, { maxAddedMs: 1 }),
    latencyRow('stream.translated.ttfb.p50', `stream, translated: time to first byte p50`, { direct: p('direct (chat)').ttfbP50, floor: p('floor (chat)').ttfbP50, gateway: p('gateway translated').ttfbP50 }, { maxAddedMs: 1 }),
  );
  /**
   * A reader that was itself off the CPU for a millisecond finds two deltas
   * waiting, so a busy machine shows some coalescing even when calling the
   * fake directly; a relay that buffers shows it on most deltas.
   * @param {string} id
   * @param {string} label
   * @param {ReturnType<typeof summary>} direct
   * @param {ReturnType<typeof summary> | undefined} floor
   * @param {ReturnType<typeof summary>} gateway
   */
  const coalescingRow = (id, label, direct, floor, gateway) =>
    ratioRow(id, label, 'reads', { direct: direct.coalescedReads, floor: floor?.coalescedReads ?? null, gateway: gateway.coalescedReads }, { text: '0 (≤ direct or floor + 1% of deltas)', pass: gateway.coalescedReads <= Math.max(direct.coalescedReads, floor?.coalescedReads ?? 0) + Math.floor(0.01 * gateway.events) && gateway.events === direct.events }, `reads that carried more than one delta, of ${gateway.events} deltas`);
  rows.push(
    coalescingRow('stream.passthrough.coalesced', 'stream, passthrough, 1 ms pacing: coalesced reads', p('direct'), p('floor'), p('gateway passthrough')),
    coalescingRow('stream.translated.coalesced', 'stream, translated, 1 ms pacing: coalesced reads', p('direct (chat)'), p('floor (chat)'), p('gateway translated')),
  );

  phase(`${plan.loadStreams} concurrent streams, 10 ms between events: inter-chunk gaps`);
  const paced10 = await streamSet(10);
  /** @type {Record<string, ReturnType<typeof summary>>} */
  const loadSummary = {};
  for (const streamTarget of [paced10.direct, paced10.floor, paced10.passthrough, paced10.directChat, paced10.translated]) {
    loadSummary[streamTarget.name] = summary(check(await runStreams(streamTarget, { concurrency: plan.loadStreams, count: plan.loadStreams })));
  }
  raw.concurrent10ms = loadSummary;
  const l = (/** @type {string} */ name) => /** @type {ReturnType<typeof summary>} */ (loadSummary[name]);
  /**
   * @param {string} id
   * @param {string} label
   * @param {ReturnType<typeof summary>} direct
   * @param {ReturnType<typeof summary> | undefined} floor
   * @param {ReturnType<typeof summary>} gateway
   */
  const gapRow = (id, label, direct, floor, gateway) => latencyRow(id, label, { direct: direct.gapP99, floor: floor?.gapP99 ?? null, gateway: gateway.gapP99 }, { maxAddedMs: 2 });
  rows.push(
    gapRow('stream.passthrough.c64.gap.p99', `${plan.loadStreams} streams, passthrough: inter-chunk gap p99`, l('direct'), l('floor'), l('gateway passthrough')),
    gapRow('stream.translated.c64.gap.p99', `${plan.loadStreams} streams, translated: inter-chunk gap p99`, l('direct (chat)'), undefined, l('gateway translated')),
    latencyRow('stream.passthrough.c64.hold.p99', `${plan.loadStreams} streams, passthrough: per-delta delivery delay p99`, { direct: l('direct').holdP99, floor: l('floor').holdP99, gateway: l('gateway passthrough').holdP99 }),
    latencyRow('stream.translated.c64.hold.p99', `${plan.loadStreams} streams, translated: per-delta delivery delay p99`, { direct: l('direct (chat)').holdP99, gateway: l('gateway translated').holdP99 }),
    ratioRow('stream.c64.coalesced', `${plan.loadStreams} streams: coalesced reads (passthrough + translated)`, 'reads', { direct: l('direct').coalescedReads + l('direct (chat)').coalescedReads, floor: l('floor').coalescedReads, gateway: l('gateway passthrough').coalescedReads + l('gateway translated').coalescedReads }, null, 'information: under load the reader itself may find two deltas waiting'),
  );
  rows.push(ratioRow('stream.incomplete', 'streams with missing or out-of-order deltas, or errors', 'streams', { gateway: problems.length }, { text: '0', pass: problems.length === 0 }));
  raw.problems = problems.slice(0, 20);
  details.streaming = raw;
}

/**
 * `count` streams per target one at a time, the targets taking turns over `rounds` rounds.
 * @template S
 * @param {Target[]} targets
 * @param {number} count
 * @param {number} rounds
 * @param {(results: import('./lib/drive.js').StreamResult[]) => import('./lib/drive.js').StreamResult[]} check
 * @param {(results: import('./lib/drive.js').StreamResult[]) => S} summary
 * @returns {Promise<Record<string, S>>}
 */
async function interleavedStreams(targets, count, rounds, check, summary) {
  /** @type {Map<string, import('./lib/drive.js').StreamResult[]>} */
  const collected = new Map();
  for (let round = 0; round < rounds; round++) {
    for (const streamTarget of targets) {
      const results = check(await runStreams(streamTarget, { concurrency: 1, count: Math.ceil(count / rounds) }));
      collected.set(streamTarget.name, [...(collected.get(streamTarget.name) ?? []), ...results]);
    }
  }
  return Object.fromEntries([...collected].map(([name, results]) => [name, summary(results)]));
}

/**
 * @param {string} fakeUrl
 * @param {string} gatewayUrl
 * @param {string} anthropicRequest
 */
async function streamingChatBody(fakeUrl, gatewayUrl, anthropicRequest) {
  // The stream must be read to the end before the fake's last body is this request's.
  const results = await runStreams(target('capture', gatewayUrl, '/anthropic/v1/messages', gatewayHeaders, anthropicRequest), { concurrency: 1, count: 1 });
  if (results[0]?.error) throw new Error(`translated stream failed: ${results[0].error}`);
  const last = await poolFor(fakeUrl).request({ method: 'GET', path: '/__bench/last-body' });
  return last.body.text();
}

/**
 * RSS before and after 10,000 small requests (in batches, sampled after each),
 * and CPU seconds per 1,000 requests, for the floor and both gateways.
 * @param {RequestSet} small
 * @param {{ fake?: number, floor?: number, gateway?: number, traced?: number }} pids
 * @param {Row[]} rows
 * @param {Record<string, unknown>} details
 * @param {PhaseMark} phase
 */
async function measureMemoryAndCpu(small, pids, rows, details, phase) {
  phase(`memory and CPU over ${plan.memoryRequests} requests each`);
  /**
   * @param {Target} requestTarget
   * @param {number | undefined} pid
   */
  const run = async (requestTarget, pid) => {
    const before = processUsage(pid);
    /** @type {number[]} */
    const rssAfterBatch = [];
    let errors = 0;
    for (let batch = 0; batch < plan.memoryBatches; batch++) {
      const result = await runClosedLoop(requestTarget, { concurrency: 16, maxRequests: plan.memoryRequests / plan.memoryBatches, maxMs: 120_000 });
      errors += result.errors;
      rssAfterBatch.push(processUsage(pid)?.rssMiB ?? NaN);
    }
    const after = processUsage(pid);
    return { rssBefore: before?.rssMiB ?? NaN, rssAfterBatch, rssAfter: after?.rssMiB ?? NaN, cpuPer1000: ((after?.cpuSeconds ?? NaN) - (before?.cpuSeconds ?? NaN)) / (plan.memoryRequests / 1000), errors };
  };
  const direct = await run(small.direct, pids.fake);
  const floor = await run(small.floor, pids.floor);
  const gateway = await run(small.passthrough, pids.gateway);
  const translated = await run(small.translated, pids.gateway);
  const traced = await run(small.traced, pids.traced);
  details.memory = { direct, floor, gateway, translated, traced, note: 'direct is the fake provider process itself' };
  const firstBatch = (/** @type {typeof gateway} */ result) => result.rssAfterBatch[0] ?? NaN;
  const growth = gateway.rssAfter - firstBatch(gateway);
  const n = plan.memoryRequests.toLocaleString('en-US');
  rows.push(
    ratioRow('memory.rss.before', `RSS after warm-up`, 'MiB', { direct: direct.rssBefore, floor: floor.rssBefore, gateway: gateway.rssBefore }),
    ratioRow('memory.rss.after', `RSS after ${n} more small requests`, 'MiB', { direct: direct.rssAfter, floor: floor.rssAfter, gateway: gateway.rssAfter }),
    ratioRow('memory.rss.growth', `RSS growth over the last ${Math.round(((plan.memoryBatches - 1) / plan.memoryBatches) * 100)}% of those requests`, 'MiB', { direct: direct.rssAfter - firstBatch(direct), floor: floor.rssAfter - firstBatch(floor), gateway: growth }, { text: 'flat: ≤ 8 MiB', pass: growth <= 8 }),
    ratioRow('cpu.passthrough.per1000', 'CPU per 1,000 small requests, passthrough', 's', { direct: direct.cpuPer1000, floor: floor.cpuPer1000, gateway: gateway.cpuPer1000 }, null, 'direct: the fake provider\'s own CPU'),
    ratioRow('cpu.translated.per1000', 'CPU per 1,000 small requests, translated', 's', { direct: direct.cpuPer1000, floor: floor.cpuPer1000, gateway: translated.cpuPer1000 }),
    ratioRow('traces.cpu.per1000', 'traces on (full): CPU per 1,000 small requests', 's', { direct: direct.cpuPer1000, floor: gateway.cpuPer1000, gateway: traced.cpuPer1000, floorKind: 'traces-off ratio' }),
    ratioRow('traces.rss.after', `traces on (full): RSS after ${n} small requests`, 'MiB', { floor: gateway.rssAfter, gateway: traced.rssAfter, floorKind: 'traces-off ratio' }),
  );
}

/**
 * Peak RSS while 64 streams with 100k-token (400 KiB) requests are in flight
 * at once, passthrough and translated; and the gateway's peak over the run.
 * @param {string} fakeUrl
 * @param {import('./lib/processes.js').Service} floor
 * @param {import('./lib/processes.js').Service} gateway
 * @param {Row[]} rows
 * @param {Record<string, unknown>} details
 * @param {PhaseMark} phase
 */
async function measureBigStreams(fakeUrl, floor, gateway, rows, details, phase) {
  const lifetimePeak = processUsage(gateway.child.pid)?.peakRssMiB ?? NaN;
  /**
   * @param {Target} streamTarget
   * @param {number | undefined} pid
   */
  const peakDuring = async (streamTarget, pid) => {
    const canReset = resetPeakRss(pid);
    let peak = processUsage(pid)?.rssMiB ?? NaN;
    const sampler = setInterval(() => {
      peak = Math.max(peak, processUsage(pid)?.rssMiB ?? NaN);
    }, 20);
    const results = await runStreams(streamTarget, { concurrency: plan.bigStreams, count: plan.bigStreams });
    clearInterval(sampler);
    if (canReset) peak = Math.max(peak, processUsage(pid)?.peakRssMiB ?? NaN);
    return { peak, errors: results.filter((result) => result.error || result.events !== plan.streamDeltas).length, firstError: results.find((result) => result.error)?.error, peakFromKernel: canReset };
  };
  phase(`${plan.bigStreams} concurrent streams with ${tiers['100k'] / 1024} KiB requests: peak RSS`);
  const options = { historyBytes: tiers['100k'], stream: true, maxTokens: plan.streamDeltas, gapMs: 10 };
  const direct = anthropicBody({ ...options, model: models.anthropicUpstream });
  const floorResult = await peakDuring(target('floor', floor.url, '/v1/messages', anthropicHeaders, direct), floor.child.pid);
  const passthrough = await peakDuring(target('gateway passthrough', gateway.url, '/anthropic/v1/messages', gatewayHeaders, anthropicBody({ ...options, model: models.passthrough })), gateway.child.pid);
  const translated = await peakDuring(target('gateway translated', gateway.url, '/anthropic/v1/messages', gatewayHeaders, anthropicBody({ ...options, model: models.translated })), gateway.child.pid);
  details.bigStreams = { floor: floorResult, passthrough, translated, gatewayPeakBefore: lifetimePeak, fakeUrl };
  const label = `${plan.bigStreams} concurrent 100k-token streams`;
  rows.push(
    ratioRow('memory.streams100k.passthrough.peak', `${label}, passthrough: peak RSS`, 'MiB', { floor: floorResult.peak, gateway: passthrough.peak }, { text: '< 150 MiB', pass: passthrough.peak < 150 && passthrough.errors === 0 }, passthrough.errors ? `${passthrough.errors} streams failed: ${passthrough.firstError}` : undefined),
    ratioRow('memory.streams100k.translated.peak', `${label}, translated: peak RSS`, 'MiB', { floor: floorResult.peak, gateway: translated.peak }, { text: '< 150 MiB', pass: translated.peak < 150 && translated.errors === 0 }, translated.errors ? `${translated.errors} streams failed: ${translated.firstError}` : undefined),
    ratioRow('memory.rss.peak', 'peak RSS over the run (all phases)', 'MiB', { floor: processUsage(floor.child.pid)?.peakRssMiB ?? null, gateway: Math.max(lifetimePeak, passthrough.peak, translated.peak) }),
  );
}

/**
 * A flood of requests with a wrong key at concurrency 64: how fast the
 * gateway refuses them, and that none reached the provider.
 * @param {string} fakeUrl
 * @param {string} gatewayUrl
 * @param {Row[]} rows
 * @param {Record<string, unknown>} details
 * @param {PhaseMark} phase
 */
async function measureFlood(fakeUrl, gatewayUrl, rows, details, phase) {
  phase('invalid-key flood');
  const upstreamCount = async () => {
    const response = await poolFor(fakeUrl).request({ method: 'GET', path: '/__bench/stats' });
    return /** @type {{ modelRequests: number }} */ (await response.body.json()).modelRequests;
  };
  const before = await upstreamCount();
  const flood = target('invalid key', gatewayUrl, '/anthropic/v1/messages', { ...gatewayHeaders, 'x-api-key': 'sb-not-a-valid-key-0000000000000000' }, anthropicBody({ model: models.passthrough, historyBytes: 0 }));
  let refused = 0;
  let other = 0;
  const start = performance.now();
  const deadline = start + plan.floodMs;
  let sent = 0;
  const worker = async () => {
    while (sent < plan.flood && performance.now() < deadline) {
      sent++;
      const response = await flood.pool.request({ method: 'POST', path: flood.path, headers: flood.headers, body: flood.body });
      await response.body.arrayBuffer();
      if (response.statusCode === 401) refused++;
      else other++;
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  const elapsed = (performance.now() - start) / 1000;
  const reached = (await upstreamCount()) - before;
  details.flood = { refused, other, seconds: elapsed, upstreamRequests: reached };
  rows.push(
    ratioRow('flood.rejections_per_s', 'invalid-key flood, c64: rejections', 'req/s', { gateway: refused / elapsed }, { text: 'every answer 401', pass: other === 0 && refused > 0 }, other ? `${other} answers were not 401` : undefined),
    ratioRow('flood.upstream_requests', 'invalid-key flood: requests that reached the provider', 'requests', { gateway: reached }, { text: '0', pass: reached === 0 }),
  );
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);

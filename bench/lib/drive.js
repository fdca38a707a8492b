// @ts-check
/**
 * Load drivers on undici: sequential latency, closed-loop throughput at a
 * fixed concurrency, and streams read chunk by chunk with each event's
 * arrival time.
 */
import { Pool } from 'undici';
import { msBetween } from './stats.js';

/**
 * One endpoint the driver calls: a base URL (direct, floor or gateway) and a
 * request (path, headers, body) in the format that endpoint expects.
 * @typedef {object} Target
 * @property {string} name
 * @property {Pool} pool
 * @property {string} path
 * @property {Record<string, string>} headers
 * @property {string} body
 */

/** @type {Map<string, Pool>} */
const pools = new Map();

/**
 * A keep-alive pool per base URL, with room for the highest concurrency used
 * (the pool phase drives more streams at once than the others).
 * @param {string} url
 */
export function poolFor(url) {
  let pool = pools.get(url);
  if (!pool) {
    pool = new Pool(url, { connections: 512, keepAliveTimeout: 60_000, headersTimeout: 60_000, bodyTimeout: 60_000 });
    pools.set(url, pool);
  }
  return pool;
}

export async function closePools() {
  await Promise.all([...pools.values()].map((pool) => pool.close().catch(() => undefined)));
  pools.clear();
}

/**
 * One non-streaming request; returns its latency in ms, or throws on a non-2xx status.
 * @param {Target} target
 */
async function timedRequest(target) {
  const start = process.hrtime.bigint();
  const response = await target.pool.request({ method: 'POST', path: target.path, headers: target.headers, body: target.body });
  await response.body.arrayBuffer();
  const latency = msBetween(start, process.hrtime.bigint());
  if (response.statusCode >= 300) throw new Error(`${target.name}: HTTP ${response.statusCode}`);
  return latency;
}

/**
 * Closed loop: `concurrency` workers each send the next request when the
 * last one finished, until `maxRequests` were sent or `maxMs` passed.
 * @param {Target} target
 * @param {{ concurrency: number, maxRequests: number, maxMs: number }} plan
 * @returns {Promise<{ latencies: number[], errors: number, firstError?: string, elapsedMs: number, completed: number }>}
 */
export async function runClosedLoop(target, plan) {
  /** @type {number[]} */
  const latencies = [];
  let errors = 0;
  /** @type {string | undefined} */
  let firstError;
  let sent = 0;
  const start = process.hrtime.bigint();
  const deadline = performance.now() + plan.maxMs;
  const worker = async () => {
    while (sent < plan.maxRequests && performance.now() < deadline) {
      sent++;
      try {
        latencies.push(await timedRequest(target));
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, worker));
  const elapsedMs = msBetween(start, process.hrtime.bigint());
  return { latencies, errors, firstError, elapsedMs, completed: latencies.length };
}

/**
 * Runs the same plan on several targets in alternating rounds, so a burst of
 * load from elsewhere on the machine hits all of them alike. Returns, per
 * target, the pooled latencies and the throughput over the rounds.
 * @param {Target[]} targets
 * @param {{ concurrency: number, maxRequests: number, maxMs: number, rounds: number }} plan
 */
export async function runInterleaved(targets, plan) {
  /** @type {Map<string, { latencies: number[], errors: number, firstError?: string, elapsedMs: number, completed: number }>} */
  const results = new Map(targets.map((target) => [target.name, { latencies: [], errors: 0, elapsedMs: 0, completed: 0 }]));
  const perRound = { concurrency: plan.concurrency, maxRequests: Math.ceil(plan.maxRequests / plan.rounds), maxMs: plan.maxMs / plan.rounds };
  for (let round = 0; round < plan.rounds; round++) {
    for (const target of targets) {
      const result = await runClosedLoop(target, perRound);
      const total = results.get(target.name);
      if (!total) continue;
      for (const latency of result.latencies) total.latencies.push(latency);
      total.errors += result.errors;
      total.firstError ??= result.firstError;
      total.elapsedMs += result.elapsedMs;
      total.completed += result.completed;
    }
  }
  return new Map([...results].map(([name, total]) => [name, { ...total, rps: total.completed / (total.elapsedMs / 1000) }]));
}

/**
 * @typedef {object} StreamResult
 * @property {number} ttfbMs request sent -> first body byte
 * @property {number} totalMs request sent -> body end
 * @property {number} events text deltas seen (by their markers)
 * @property {number} reads body chunks that carried at least one marker
 * @property {number} coalescedReads body chunks that carried more than one marker
 * @property {boolean} inOrder every marker's sequence number was the next one
 * @property {number[]} gapsMs arrival gap between consecutive text deltas
 * @property {number[]} holdMs per delta: arrival at the driver minus the fake provider's write time
 * @property {string | undefined} error
 */

const markerPattern = /~(\d+):(\d+)~/g;

/**
 * One streaming request, read chunk by chunk. The fake provider stamps each
 * text delta with `~seq:ns~` (its CLOCK_MONOTONIC, the same clock as
 * process.hrtime here), whatever wire format carries it.
 * @param {Target} target
 * @returns {Promise<StreamResult>}
 */
export async function runStream(target) {
  const start = process.hrtime.bigint();
  /** @type {StreamResult} */
  const result = { ttfbMs: NaN, totalMs: NaN, events: 0, reads: 0, coalescedReads: 0, inOrder: true, gapsMs: [], holdMs: [], error: undefined };
  try {
    const response = await target.pool.request({ method: 'POST', path: target.path, headers: target.headers, body: target.body });
    if (response.statusCode >= 300) {
      result.error = `${target.name}: HTTP ${response.statusCode}: ${(await response.body.text()).slice(0, 200)}`;
      return result;
    }
    let carry = '';
    let expected = 0;
    /** @type {bigint | undefined} */
    let lastArrival;
    for await (const chunk of response.body) {
      const arrival = process.hrtime.bigint();
      if (Number.isNaN(result.ttfbMs)) result.ttfbMs = msBetween(start, arrival);
      const text = carry + /** @type {Buffer} */ (chunk).toString('latin1');
      let inThisRead = 0;
      let consumed = 0;
      markerPattern.lastIndex = 0;
      for (let match; (match = markerPattern.exec(text)); ) {
        inThisRead++;
        consumed = markerPattern.lastIndex;
        if (Number(match[1]) !== expected) result.inOrder = false;
        expected = Number(match[1]) + 1;
        result.holdMs.push(msBetween(BigInt(match[2] ?? '0'), arrival));
        if (lastArrival !== undefined) result.gapsMs.push(msBetween(lastArrival, arrival));
        lastArrival = arrival;
      }
      // Keeps a marker cut in two by the chunk boundary for the next read.
      carry = text.slice(Math.max(consumed, text.length - 48));
      result.events += inThisRead;
      if (inThisRead > 0) result.reads++;
      if (inThisRead > 1) result.coalescedReads++;
    }
    result.totalMs = msBetween(start, process.hrtime.bigint());
  } catch (error) {
    result.error = `${target.name}: ${error instanceof Error ? error.message : String(error)}`;
  }
  return result;
}

/**
 * `count` streams, `concurrency` at a time.
 * @param {Target} target
 * @param {{ concurrency: number, count: number }} plan
 * @param {() => void} [onTick] called on each finished stream (for sampling)
 */
export async function runStreams(target, plan, onTick) {
  /** @type {StreamResult[]} */
  const results = [];
  let started = 0;
  const worker = async () => {
    while (started < plan.count) {
      started++;
      results.push(await runStream(target));
      onTick?.();
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, worker));
  return results;
}

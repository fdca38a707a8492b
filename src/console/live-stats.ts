import type { TraceRecord } from '../traces/trace-record.js';

/** Seconds of history the live page shows. */
export const liveWindowSeconds = 60;
/** Requests per second are averaged over this many recent seconds. */
const rateSeconds = 10;

/** Latency buckets: powers of 1.25 from 1 ms to about 10 minutes (each value is off by at most 12 %). */
const bucketFactor = 1.25;
const bucketCount = Math.ceil(Math.log(600_000) / Math.log(bucketFactor)) + 1;

function bucketOf(ms: number): number {
  if (!(ms > 1)) return 0;
  return Math.min(bucketCount - 1, Math.ceil(Math.log(ms) / Math.log(bucketFactor)));
}

function bucketValue(bucket: number): number {
  return bucketFactor ** bucket;
}

/** One provider's figures in one second. */
interface Second {
  at: number;
  requests: number;
  errors: number;
  latency: Uint32Array;
  ttft: Uint32Array;
}

/** A provider's figures over the window, as the live page shows them. */
export interface LiveProvider {
  provider: string;
  /** Requests per second over the last ten seconds. */
  rps: number;
  requests: number;
  errors: number;
  latencyP50: number | null;
  latencyP95: number | null;
  ttftP50: number | null;
  ttftP95: number | null;
}

export interface LiveSnapshot {
  /** Epoch seconds of the newest second. */
  at: number;
  inFlight: number;
  inFlightStreams: number;
  /** Requests finished since the gateway started. */
  total: number;
  providers: LiveProvider[];
  /** Requests per second for each of the last `liveWindowSeconds` seconds, oldest first, all providers. */
  series: number[];
}

/**
 * Rolling figures of the last minute for the live page, fed by every
 * finished request's record: per provider and second a count and two
 * latency histograms, so a percentile costs a walk over buckets, not a sort,
 * and memory stays the same under any traffic.
 */
export class LiveStats {
  readonly #providers = new Map<string, Second[]>();
  #total = 0;
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  record(record: TraceRecord): void {
    this.#total++;
    const provider = record.provider ?? '(none)';
    const second = this.#second(provider, Math.floor(this.#now() / 1000));
    second.requests++;
    if (record.status >= 400 || record.error !== null) second.errors++;
    second.latency[bucketOf(record.duration_ms)]!++;
    if (record.ttft_ms !== null) second.ttft[bucketOf(record.ttft_ms)]!++;
  }

  snapshot(inFlight: number, inFlightStreams: number): LiveSnapshot {
    const at = Math.floor(this.#now() / 1000);
    const series = new Array<number>(liveWindowSeconds).fill(0);
    const providers: LiveProvider[] = [];
    for (const [provider, seconds] of this.#providers) {
      const recent = seconds.filter((second) => second.at > at - liveWindowSeconds);
      if (recent.length === 0) {
        this.#providers.delete(provider);
        continue;
      }
      const latency = new Uint32Array(bucketCount);
      const ttft = new Uint32Array(bucketCount);
      let requests = 0;
      let errors = 0;
      let rateRequests = 0;
      for (const second of recent) {
        requests += second.requests;
        errors += second.errors;
        if (second.at > at - rateSeconds) rateRequests += second.requests;
        series[liveWindowSeconds - 1 - (at - second.at)]! += second.requests;
        for (let bucket = 0; bucket < bucketCount; bucket++) {
          latency[bucket]! += second.latency[bucket]!;
          ttft[bucket]! += second.ttft[bucket]!;
        }
      }
      providers.push({
        provider,
        rps: rateRequests / rateSeconds,
        requests,
        errors,
        latencyP50: percentile(latency, 0.5),
        latencyP95: percentile(latency, 0.95),
        ttftP50: percentile(ttft, 0.5),
        ttftP95: percentile(ttft, 0.95),
      });
    }
    providers.sort((a, b) => b.requests - a.requests || a.provider.localeCompare(b.provider));
    return { at, inFlight, inFlightStreams, total: this.#total, providers, series };
  }

  #second(provider: string, at: number): Second {
    let seconds = this.#providers.get(provider);
    if (!seconds) {
      seconds = [];
      this.#providers.set(provider, seconds);
    }
    const last = seconds[seconds.length - 1];
    if (last?.at === at) return last;
    const second: Second = { at, requests: 0, errors: 0, latency: new Uint32Array(bucketCount), ttft: new Uint32Array(bucketCount) };
    seconds.push(second);
    while (seconds.length > 0 && seconds[0]!.at <= at - liveWindowSeconds) seconds.shift();
    return second;
  }
}

/** The value below which `share` of the counted values fall, to bucket precision. */
function percentile(histogram: Uint32Array, share: number): number | null {
  let total = 0;
  for (const count of histogram) total += count;
  if (total === 0) return null;
  const rank = Math.ceil(share * total);
  let seen = 0;
  for (let bucket = 0; bucket < histogram.length; bucket++) {
    seen += histogram[bucket]!;
    if (seen >= rank) return bucketValue(bucket);
  }
  return bucketValue(histogram.length - 1);
}

import { isExhausted, type AdmitRequest, type AdmitResult, type CounterReading, type CounterStore, type ReadQuery, type ReadResult, type Settlement } from './counter-store.js';

/**
 * The embedded store: counters in this process's memory, for one replica.
 * Leases never expire here (they end with the process), so nothing renews
 * them. Windows and spend counters are pruned as they are touched and when
 * their window has passed.
 */
export class MemoryStore implements CounterStore {
  readonly leasesExpire = false;
  readonly #leases = new Map<string, Set<string>>();
  /** Start times, oldest first, from `head` on; the expired prefix is dropped in bulk, not one shift per request. */
  readonly #windows = new Map<string, { times: number[]; head: number }>();
  readonly #counters = new Map<string, { used: number; finished: number; expiresAt: number }>();

  async admit(request: AdmitRequest): Promise<AdmitResult> {
    const inFlight = request.leaseSets.map((set) => this.#leases.get(set.key)?.size ?? 0);
    for (const [index, set] of request.leaseSets.entries()) {
      if (set.max !== undefined && inFlight[index]! >= set.max) return { admitted: false, refusal: { kind: 'lease', index, inFlight: inFlight[index]! } };
    }
    for (const [index, window] of request.windows.entries()) {
      const starts = this.#pruned(window.key, request.now - window.windowMs);
      if (starts.times.length - starts.head >= window.max) return { admitted: false, refusal: { kind: 'window', index, retryAfterMs: starts.times[starts.head]! + window.windowMs - request.now } };
    }
    const readings: CounterReading[] = [];
    for (const [index, check] of request.counters.entries()) {
      const counter = this.#counter(check.key, request.now);
      const flight = inFlight[check.leaseSet] ?? 0;
      const reading = { used: counter?.used ?? 0, finished: counter?.finished ?? 0, inFlight: flight, exhausted: false };
      reading.exhausted = isExhausted(reading.used, reading.finished, flight, check.limit);
      if (reading.exhausted && check.refuse) return { admitted: false, refusal: { kind: 'counter', index, reading } };
      readings.push(reading);
    }
    for (const set of request.leaseSets) {
      let members = this.#leases.get(set.key);
      if (!members) this.#leases.set(set.key, (members = new Set()));
      members.add(request.id);
    }
    for (const window of request.windows) this.#windows.get(window.key)!.times.push(request.now);
    return { admitted: true, counters: readings };
  }

  async renew(): Promise<void> {}

  async settle(settlement: Settlement): Promise<void> {
    for (const key of settlement.leaseSets) {
      const members = this.#leases.get(key);
      members?.delete(settlement.id);
      if (members?.size === 0) this.#leases.delete(key);
    }
    for (const { key, amount, counted, expiresAt } of settlement.amounts) {
      let counter = this.#counters.get(key);
      if (!counter) this.#counters.set(key, (counter = { used: 0, finished: 0, expiresAt }));
      counter.used += amount;
      if (counted) counter.finished++;
    }
  }

  async read(query: ReadQuery): Promise<ReadResult> {
    return {
      counters: query.counters.map((key) => {
        const counter = this.#counter(key, query.now);
        return { used: counter?.used ?? 0, finished: counter?.finished ?? 0 };
      }),
      leaseSets: query.leaseSets.map((key) => this.#leases.get(key)?.size ?? 0),
      windows: query.windows.map((window) => {
        const starts = this.#pruned(window.key, query.now - window.windowMs);
        return starts.times.length - starts.head;
      }),
    };
  }

  async close(): Promise<void> {}

  /** The window's start times after `since`. */
  #pruned(key: string, since: number): { times: number[]; head: number } {
    let starts = this.#windows.get(key);
    if (!starts) this.#windows.set(key, (starts = { times: [], head: 0 }));
    while (starts.head < starts.times.length && starts.times[starts.head]! <= since) starts.head++;
    // Compacted once the expired prefix is most of the array: amortized O(1) per request at any rate.
    if (starts.head > 1024 && starts.head * 2 > starts.times.length) {
      starts.times = starts.times.slice(starts.head);
      starts.head = 0;
    }
    return starts;
  }

  #counter(key: string, now: number): { used: number; finished: number } | undefined {
    const counter = this.#counters.get(key);
    if (counter && counter.expiresAt <= now) {
      this.#counters.delete(key);
      return undefined;
    }
    return counter;
  }
}

/**
 * Where limits and budgets are counted: the one interface the admission
 * logic sees. `MemoryStore` counts in this process (one replica);
 * `RedisStore` counts in a Redis server every replica shares. Both give the
 * same answers for the same calls (test/limits/counter-store-contract.test.ts
 * runs one suite against both).
 *
 * Three kinds of counter:
 * - lease sets: the requests in flight of a scope (a key, a profile), one
 *   member per request, each with an expiry that the holder renews while it
 *   runs, so a replica that dies frees its slots;
 * - start windows: request start times over a rolling window (requests per minute);
 * - spend counters: what a scope used in one calendar window (nano-dollars or
 *   tokens) and how many finished requests that took.
 */
export interface CounterStore {
  /** True when leases expire unless renewed (a store shared with other processes). */
  readonly leasesExpire: boolean;
  /**
   * Checks every condition and, only when none refuses, takes a lease in every
   * set and a place in every window: all or nothing, in one round trip.
   */
  admit(request: AdmitRequest): Promise<AdmitResult>;
  /** Extends the request's leases by `ttlMs` from now. */
  renew(id: string, leaseSets: readonly string[], ttlMs: number): Promise<void>;
  /** Gives the request's leases back and adds what it used, once, when it finished; atomic. */
  settle(settlement: Settlement): Promise<void>;
  /** Current values, for /status and /metrics. */
  read(query: ReadQuery): Promise<ReadResult>;
  close(): Promise<void>;
}

export interface LeaseSetCheck {
  key: string;
  /** Refuse when this many leases are held already; undefined: count only. */
  max?: number;
}

export interface StartWindowCheck {
  key: string;
  /** Refuse when this many requests started within the window. */
  max: number;
  windowMs: number;
}

export interface SpendCounterCheck {
  key: string;
  /** Index into `leaseSets` of the scope whose in-flight requests count as reserved. */
  leaseSet: number;
  limit: number;
  /** Refuse the request when the counter is exhausted; otherwise admit it and report `exhausted`. */
  refuse: boolean;
}

export interface AdmitRequest {
  /** Unique per request: the lease member. */
  id: string;
  /** Epoch milliseconds (the memory store's clock; Redis uses its own for leases and windows). */
  now: number;
  /** How long a lease lives unless renewed, where leases expire. */
  leaseTtlMs: number;
  leaseSets: readonly LeaseSetCheck[];
  windows: readonly StartWindowCheck[];
  counters: readonly SpendCounterCheck[];
}

/** A spend counter at admission. */
export interface CounterReading {
  used: number;
  /** Finished requests that added to `used`. */
  finished: number;
  /** Requests of the scope in flight before this one. */
  inFlight: number;
  /**
   * Used up, or too close to it for one more request: `used >= limit`, or
   * `used + (inFlight + 1) * (used / finished) > limit`. Requests in flight
   * are reserved at the scope's average so far, so replicas admitting at
   * once do not all spend the last dollar.
   */
  exhausted: boolean;
}

export type AdmitRefusal =
  | { kind: 'lease'; index: number; inFlight: number }
  | { kind: 'window'; index: number; retryAfterMs: number }
  | { kind: 'counter'; index: number; reading: CounterReading };

export type AdmitResult = { admitted: true; counters: CounterReading[] } | { admitted: false; refusal: AdmitRefusal };

export interface Settlement {
  id: string;
  leaseSets: readonly string[];
  amounts: ReadonlyArray<{
    key: string;
    amount: number;
    /** Whether the request counts as finished for the average (it had a usage, and a price for money counters). */
    counted: boolean;
    /** When the counter may be forgotten (after its window ended). */
    expiresAt: number;
  }>;
}

export interface ReadQuery {
  now: number;
  counters: readonly string[];
  leaseSets: readonly string[];
  windows: ReadonlyArray<{ key: string; windowMs: number }>;
}

export interface ReadResult {
  counters: Array<{ used: number; finished: number }>;
  leaseSets: number[];
  windows: number[];
}

/** The exhaustion rule both stores apply (the Redis store in Lua, with the same arithmetic). */
export function isExhausted(used: number, finished: number, inFlight: number, limit: number): boolean {
  const average = finished > 0 ? Math.floor(used / finished) : 0;
  return used >= limit || used + (inFlight + 1) * average > limit;
}

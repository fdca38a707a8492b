import { Redis } from 'ioredis';
import type { AdmitRequest, AdmitResult, CounterReading, CounterStore, ReadQuery, ReadResult, Settlement } from './counter-store.js';
import { admitScript, renewScript, settleScript } from './redis-scripts.js';

export interface RedisStoreOptions {
  /** `redis://[:password@]host:port[/db]` */
  url: string;
  /** Longest wait for one command; past it the call fails and the caller applies `on_store_error`. */
  commandTimeoutMs: number;
  /** Called on connection state changes, for the log and the `switchboard_limit_store_up` gauge. */
  onStateChange?: (up: boolean, error?: Error) => void;
}

type ScriptReply = Array<string | number>;

/**
 * Counters in a Redis server every replica shares. Admission is one EVALSHA
 * of a Lua script (atomic: checks and changes together); settling is another. Built never to hold a request up: commands fail after
 * `commandTimeoutMs`, nothing is queued while disconnected (the offline queue
 * is off, so a command fails at once), no command is retried (a retried
 * increment could count twice), and the client reconnects in the background.
 */
export class RedisStore implements CounterStore {
  readonly leasesExpire = true;
  readonly #redis: Redis;
  #up = false;

  constructor(options: RedisStoreOptions) {
    this.#redis = new Redis(options.url, {
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: Math.max(1000, options.commandTimeoutMs * 4),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // Reconnect forever, backing off to one attempt a second.
      retryStrategy: (times) => Math.min(times * 100, 1000),
      enableReadyCheck: true,
      lazyConnect: false,
      // Commands issued in the same tick (concurrent admissions and settlements) go out in one write.
      enableAutoPipelining: true,
    });
    this.#redis.defineCommand('switchboardAdmit', { lua: admitScript });
    this.#redis.defineCommand('switchboardRenew', { lua: renewScript });
    this.#redis.defineCommand('switchboardSettle', { lua: settleScript });
    this.#redis.on('ready', () => {
      if (!this.#up) options.onStateChange?.(true);
      this.#up = true;
    });
    // Reported once per outage, and once at startup when Redis is not there to begin with.
    let reported = false;
    const down = (error?: Error): void => {
      if (this.#up || !reported) options.onStateChange?.(false, error);
      reported = true;
      this.#up = false;
    };
    this.#redis.on('close', () => down());
    // Without a listener, ioredis reports connection errors as unhandled; the state change reports them once.
    this.#redis.on('error', (error: Error) => down(error));
  }

  /** Whether the connection is ready now. */
  get up(): boolean {
    return this.#up;
  }

  /** Resolves once connected (or rejects after `timeoutMs`): for startup logs and tests. */
  async ready(timeoutMs = 5000): Promise<void> {
    if (this.#up) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Redis not ready within ${timeoutMs} ms`)), timeoutMs);
      this.#redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async admit(request: AdmitRequest): Promise<AdmitResult> {
    const keys = [...request.leaseSets.map((set) => set.key), ...request.windows.map((window) => window.key), ...request.counters.map((counter) => counter.key)];
    const args: Array<string | number> = [request.id, request.leaseTtlMs, request.leaseSets.length, request.windows.length, request.counters.length];
    for (const set of request.leaseSets) args.push(set.max ?? -1);
    for (const window of request.windows) args.push(window.max, window.windowMs);
    for (const counter of request.counters) args.push(counter.leaseSet + 1, counter.limit, counter.refuse ? 1 : 0);
    const reply = (await (this.#redis as unknown as ScriptCommands).switchboardAdmit(keys.length, ...keys, ...args)) as ScriptReply;
    const [kind, ...values] = reply;
    const number = (index: number): number => Number(values[index]);
    switch (kind) {
      case 'ok': {
        const counters: CounterReading[] = [];
        for (let index = 0; index < values.length; index += 4) {
          counters.push({ used: number(index), finished: number(index + 1), inFlight: number(index + 2), exhausted: number(index + 3) === 1 });
        }
        return { admitted: true, counters };
      }
      case 'lease':
        return { admitted: false, refusal: { kind: 'lease', index: number(0), inFlight: number(1) } };
      case 'window':
        return { admitted: false, refusal: { kind: 'window', index: number(0), retryAfterMs: number(1) } };
      case 'counter':
        return { admitted: false, refusal: { kind: 'counter', index: number(0), reading: { used: number(1), finished: number(2), inFlight: number(3), exhausted: true } } };
      default:
        throw new Error(`unexpected reply from the admission script: ${JSON.stringify(reply)}`);
    }
  }

  async renew(id: string, leaseSets: readonly string[], ttlMs: number): Promise<void> {
    if (leaseSets.length === 0) return;
    await (this.#redis as unknown as ScriptCommands).switchboardRenew(leaseSets.length, ...leaseSets, id, ttlMs);
  }

  async settle(settlement: Settlement): Promise<void> {
    const keys = [...settlement.leaseSets, ...settlement.amounts.map((entry) => entry.key)];
    if (keys.length === 0) return;
    const args: Array<string | number> = [settlement.id, settlement.leaseSets.length];
    for (const { amount, counted, expiresAt } of settlement.amounts) args.push(Math.round(amount), counted ? 1 : 0, Math.round(expiresAt));
    await (this.#redis as unknown as ScriptCommands).switchboardSettle(keys.length, ...keys, ...args);
  }

  async read(query: ReadQuery): Promise<ReadResult> {
    const pipeline = this.#redis.pipeline();
    for (const key of query.counters) pipeline.hmget(key, 'used', 'finished');
    for (const key of query.leaseSets) pipeline.zcount(key, query.now, '+inf');
    for (const window of query.windows) pipeline.zcount(window.key, `(${query.now - window.windowMs}`, '+inf');
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error]) => error);
    if (failed) throw failed[0]!;
    const values = results.map(([, value]) => value);
    const counters = values.slice(0, query.counters.length).map((value) => {
      const [used, finished] = value as Array<string | null>;
      return { used: Number(used ?? 0), finished: Number(finished ?? 0) };
    });
    const leaseSets = values.slice(query.counters.length, query.counters.length + query.leaseSets.length).map(Number);
    const windows = values.slice(query.counters.length + query.leaseSets.length).map(Number);
    return { counters, leaseSets, windows };
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
  }
}

interface ScriptCommands {
  switchboardAdmit(keyCount: number, ...keysAndArgs: Array<string | number>): Promise<unknown>;
  switchboardRenew(keyCount: number, ...keysAndArgs: Array<string | number>): Promise<unknown>;
  switchboardSettle(keyCount: number, ...keysAndArgs: Array<string | number>): Promise<unknown>;
}

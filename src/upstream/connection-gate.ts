import { GatewayError } from '../errors/gateway-error.js';

/** Gives back a connection slot; calling it more than once is harmless. */
export type ReleaseSlot = () => void;

interface Waiter {
  grant(release: ReleaseSlot): void;
  fail(error: GatewayError): void;
}

/**
 * Admission to one provider's connection pool: at most `limit` requests hold a
 * connection, at most `maxPending` wait for one, each for a bounded time.
 * undici's Pool queues without limit and starts its header timer only once a
 * request is on a socket, so a full pool used to hold requests for minutes
 * with no timeout and no fallback; the gate makes that wait visible and finite.
 */
export class ConnectionGate {
  active = 0;
  private readonly waiters: Waiter[] = [];

  constructor(
    private readonly provider: string,
    private readonly limit: number,
    private readonly maxPending: number,
  ) {}

  /** Requests waiting for a connection. */
  get queued(): number {
    return this.waiters.length;
  }

  /**
   * Resolves with a release function once a connection is free. Rejects with
   * SB_UPSTREAM_POOL_FULL when the queue is full or `timeoutMs` passes, and
   * with the signal's reason when it aborts first.
   */
  acquire(signal: AbortSignal, timeoutMs: number): Promise<ReleaseSlot> {
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    if (this.active < this.limit) return Promise.resolve(this.take());
    if (this.waiters.length >= this.maxPending) {
      return Promise.reject(this.full(`all ${this.limit} connections are busy and ${this.maxPending} requests already wait for one`));
    }
    return new Promise((resolve, reject) => {
      const leave = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
      };
      const waiter: Waiter = {
        grant: (release) => (leave(), resolve(release)),
        fail: (error) => (leave(), reject(error)),
      };
      const onAbort = (): void => {
        leave();
        reject(signal.reason as Error);
      };
      const timer = setTimeout(() => waiter.fail(this.full(`no connection freed up within ${timeoutMs} ms (all ${this.limit} busy)`)), timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private take(): ReleaseSlot {
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters[0];
      // The slot passes straight to the next waiter, so a burst cannot overtake the queue.
      if (next) next.grant(this.handOver());
      else this.active--;
    };
  }

  /** A slot handed from a finishing request to a waiter: `active` stays the same. */
  private handOver(): ReleaseSlot {
    this.active--;
    return this.take();
  }

  private full(reason: string): GatewayError {
    return new GatewayError('SB_UPSTREAM_POOL_FULL', `provider "${this.provider}": ${reason}`, { retryAfterSeconds: 1 });
  }
}

import type { ResolvedProvider } from '../config/snapshot.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { ReleaseSlot } from './connection-gate.js';

/**
 * One try of one target, with its own abort signal: aborted when the client
 * goes away, and when the first byte has not come by `firstByteDeadline`
 * (a performance.now() time). The first-byte clock covers everything before
 * the answer can start: the wait for a pooled connection, connecting, the
 * response head and, for a stream, its first event. A provider that sends
 * its head and then nothing used to be noticed only after `idle_ms`.
 */
export class UpstreamAttempt {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly forwardAbort = (): void => this.controller.abort(this.parent.reason);
  private slot: ReleaseSlot | undefined;

  constructor(
    readonly provider: ResolvedProvider,
    private readonly parent: AbortSignal,
    readonly firstByteDeadline: number,
  ) {
    const budget = Math.max(0, firstByteDeadline - performance.now());
    this.timer = setTimeout(() => {
      this.controller.abort(new GatewayError('SB_UPSTREAM_TIMEOUT', `provider "${provider.name}": no response (headers and, for a stream, its first event) within ${Math.round(budget)} ms`));
    }, budget);
    if (parent.aborted) this.forwardAbort();
    else parent.addEventListener('abort', this.forwardAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Milliseconds left on the first-byte clock. */
  remainingMs(): number {
    return Math.max(0, this.firstByteDeadline - performance.now());
  }

  /** The connection slot this attempt holds; given back by `finish` at the latest. */
  holdSlot(release: ReleaseSlot): void {
    this.slot = release;
  }

  /** The answer can start: stops the first-byte clock (from here `idle_ms` watches the body). */
  firstByteArrived(): void {
    clearTimeout(this.timer);
  }

  /** The attempt is over, however it ended. */
  finish(): void {
    clearTimeout(this.timer);
    this.parent.removeEventListener('abort', this.forwardAbort);
    this.slot?.();
  }
}

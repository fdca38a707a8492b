/**
 * Lets at most `perSecond` events through per wall-clock second and counts
 * the rest. Used for the trace lines of requests refused before a key was
 * known: anyone who reaches the port can send those, and each would
 * otherwise cost a line and push real traffic out of the retention window.
 */
export class TraceSampler {
  #second = -1;
  #admitted = 0;
  #suppressed = 0;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when this event may be traced. */
  admit(): boolean {
    const second = Math.floor(this.now() / 1000);
    if (second !== this.#second) {
      this.#second = second;
      this.#admitted = 0;
    }
    if (this.#admitted >= this.perSecond) {
      this.#suppressed++;
      return false;
    }
    this.#admitted++;
    return true;
  }

  /** Events not traced so far. */
  get suppressed(): number {
    return this.#suppressed;
  }
}

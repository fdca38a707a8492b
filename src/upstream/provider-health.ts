/**
 * A circuit breaker per provider. After `failureThreshold` consecutive
 * retryable failures a provider is marked down for `cooldownMs`; while down it
 * is skipped when the route has another target, so a dead provider costs one
 * fast failure instead of a timeout per request. After the cool-down one
 * request is let through (half-open): success closes the circuit, failure
 * opens it for another cool-down. State is per gateway process.
 */
export class ProviderHealth {
  private readonly states = new Map<string, { consecutiveFailures: number; downUntil: number; trial: boolean }>();

  constructor(
    private readonly failureThreshold = 3,
    private readonly cooldownMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** True while the provider is down and its trial request (if any) is already taken. */
  isDown(provider: string): boolean {
    const state = this.states.get(provider);
    if (!state || state.downUntil === 0) return false;
    if (this.now() < state.downUntil) return true;
    if (state.trial) return true;
    state.trial = true;
    return false;
  }

  recordSuccess(provider: string): void {
    const state = this.states.get(provider);
    if (state) this.states.delete(provider);
  }

  recordFailure(provider: string): void {
    const state = this.states.get(provider) ?? { consecutiveFailures: 0, downUntil: 0, trial: false };
    state.consecutiveFailures++;
    if (state.consecutiveFailures >= this.failureThreshold || state.trial) {
      state.downUntil = this.now() + this.cooldownMs;
      state.trial = false;
    }
    this.states.set(provider, state);
  }

  /** Per-provider state for `/status`. */
  snapshot(): Record<string, { state: 'up' | 'down' | 'half-open'; consecutive_failures: number; down_until: string | null }> {
    const result: Record<string, { state: 'up' | 'down' | 'half-open'; consecutive_failures: number; down_until: string | null }> = {};
    const now = this.now();
    for (const [name, state] of this.states) {
      const down = state.downUntil !== 0;
      result[name] = {
        state: !down ? 'up' : now < state.downUntil ? 'down' : 'half-open',
        consecutive_failures: state.consecutiveFailures,
        down_until: down ? new Date(state.downUntil).toISOString() : null,
      };
    }
    return result;
  }
}

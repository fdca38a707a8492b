import type { Usage } from '../canonical/types.js';
import type { CompiledProfile, ResolvedKey, ResolvedLimits, Target } from '../config/snapshot.js';
import { GatewayError } from '../errors/gateway-error.js';
import { formatLocalTime } from '../spend/budget-window.js';
import { toNanoUsd, type UsageCost } from '../spend/cost-of-usage.js';
import type { AdmitRefusal, CounterReading, CounterStore, ReadQuery, ReadResult } from './counter-store.js';
import { counterKey, leaseSetKey, planAdmission, startWindowKey, WindowClock, type AdmissionPlan, type PlannedCounter } from './admission-plan.js';

/** What an admitted request carries until it ends. */
export interface AdmissionTicket {
  /** Set when a budget is used up and its `budget_fallback` serves the request instead. */
  readonly fallback: { targets: readonly Target[]; budget: string } | undefined;
  /** One line per budget past its warning share. */
  readonly warnings: readonly string[];
  /** Gives the leases back and counts what the request used. Once; later calls do nothing. */
  settle(usage: Usage | null, cost: UsageCost | null): void;
}

export interface AdmissionEvents {
  /** A store call failed or timed out; `allowed` tells whether the request was served anyway. */
  storeError(operation: 'admit' | 'settle' | 'renew' | 'read', error: unknown, allowed: boolean): void;
}

/** The ticket of a request no limit applies to, or one let through while the store was down. */
const unlimited: AdmissionTicket = { fallback: undefined, warnings: [], settle() {} };

/**
 * Per-key limits and key and profile budgets, counted in a `CounterStore`.
 * One store round trip before the upstream call (the admission script), one
 * after the request finished (settlement, off the client's path); none when
 * no limit or budget applies.
 */
export class Admission {
  readonly store: CounterStore;
  readonly #events: AdmissionEvents;
  readonly #windows = new WindowClock();
  readonly #now: () => number;

  constructor(store: CounterStore, events: AdmissionEvents, now: () => number = Date.now) {
    this.store = store;
    this.#events = events;
    this.#now = now;
  }

  /**
   * Admits one request, or throws a 429 `GatewayError` in the gateway's
   * vocabulary (concurrency, rate, daily tokens, budget used up), or a 503 when
   * the store is down and `on_store_error` is `refuse`.
   */
  async admit(id: string, key: ResolvedKey, profile: CompiledProfile, settings: ResolvedLimits): Promise<AdmissionTicket> {
    const now = this.#now();
    const plan = planAdmission(id, now, key, profile, settings, this.#windows);
    let result;
    try {
      result = await this.store.admit(plan.request);
    } catch (error) {
      const allowed = settings.onStoreError === 'allow';
      this.#events.storeError('admit', error, allowed);
      if (!allowed) throw new GatewayError('SB_LIMIT_STORE_UNAVAILABLE', 'the gateway cannot reach its limit store (limits.store) and is set to refuse requests until it can (limits.on_store_error: refuse)', { retryAfterSeconds: 1, cause: error });
      // Served without limits; what it spends is still counted if the store is back by then.
      return this.#ticket(plan, [], settings);
    }
    if (!result.admitted) throw refusalError(plan, result.refusal, settings.timeZone, now);
    return this.#ticket(plan, result.counters, settings);
  }

  /** Requests in flight and started in the last minute of every key with limits or a budget, for /status. */
  async keyCounters(keys: Iterable<ResolvedKey>, settings: ResolvedLimits): Promise<Record<string, { in_flight: number; requests_last_minute: number | null }>> {
    const prefix = `{${settings.keyPrefix}}`;
    const limited = [...keys].filter((key) => key.limits.max_concurrent !== undefined || key.limits.requests_per_minute !== undefined || key.limits.tokens_per_day !== undefined || key.budget !== undefined);
    if (limited.length === 0) return {};
    const windows = limited.filter((key) => key.limits.requests_per_minute !== undefined);
    const read = await this.#read({
      now: this.#now(),
      counters: [],
      leaseSets: limited.map((key) => leaseSetKey(prefix, 'key', key.name)),
      windows: windows.map((key) => ({ key: startWindowKey(prefix, key.name), windowMs: 60_000 })),
    });
    return Object.fromEntries(limited.map((key, index) => [key.name, { in_flight: read.leaseSets[index]!, requests_last_minute: windows.includes(key) ? read.windows[windows.indexOf(key)]! : null }]));
  }

  /** Budget readings of every key and profile that has limits or budgets, for /status and /metrics. */
  async status(keys: Iterable<ResolvedKey>, profiles: Iterable<CompiledProfile>, settings: ResolvedLimits): Promise<BudgetStatus[]> {
    const now = this.#now();
    const prefix = `{${settings.keyPrefix}}`;
    const rows: Array<Omit<BudgetStatus, 'used' | 'remaining'> & { counter: string }> = [];
    const owners: Array<{ scope: 'key' | 'profile'; name: string; budget: ResolvedKey['budget']; tokensLimit?: number | undefined }> = [
      ...[...keys].map((key) => ({ scope: 'key' as const, name: key.name, budget: key.budget, tokensLimit: key.limits.tokens_per_day })),
      ...[...profiles].map((profile) => ({ scope: 'profile' as const, name: profile.name, budget: profile.budget })),
    ];
    for (const owner of owners) {
      const budgets: Array<[BudgetStatus['budget'], number | undefined, 'day' | 'month']> = [
        ['usd_per_day', owner.budget?.usdPerDay, 'day'],
        ['usd_per_month', owner.budget?.usdPerMonth, 'month'],
        ['tokens_per_day', Math.min(owner.budget?.tokensPerDay ?? Infinity, owner.tokensLimit ?? Infinity), 'day'],
      ];
      for (const [budget, limit, kind] of budgets) {
        if (limit === undefined || limit === Infinity) continue;
        const window = this.#windows.current(kind, now, settings.timeZone);
        rows.push({ scope: owner.scope, name: owner.name, budget, limit, window: window.id, resets_at: formatLocalTime(window.end, settings.timeZone), counter: counterKey(prefix, owner.scope, owner.name, budget, window) });
      }
    }
    if (rows.length === 0) return [];
    const read = await this.#read({ now, counters: rows.map((row) => row.counter), leaseSets: [], windows: [] });
    return rows.map(({ counter: _counter, ...row }, index) => {
      const raw = read.counters[index]!.used;
      const used = row.budget === 'tokens_per_day' ? raw : raw / 1e9;
      return { ...row, used, remaining: Math.max(0, row.limit - used) };
    });
  }

  /** A store read for /status and /metrics; a failure is reported like any other store failure, then thrown. */
  async #read(query: ReadQuery): Promise<ReadResult> {
    try {
      return await this.store.read(query);
    } catch (error) {
      this.#events.storeError('read', error, true);
      throw error;
    }
  }

  #ticket(plan: AdmissionPlan, readings: CounterReading[], settings: ResolvedLimits): AdmissionTicket {
    const warnings: string[] = [];
    let fallback: AdmissionTicket['fallback'];
    plan.counters.forEach((counter, index) => {
      const reading = readings[index];
      if (!reading) return;
      if (reading.exhausted && counter.fallback && !fallback) fallback = { targets: counter.fallback, budget: `${counter.scope} ${counter.owner} ${counter.budget}` };
      const share = (reading.used / counter.check.limit) * 100;
      if (!counter.keyLimit && share >= counter.warnAtPercent) warnings.push(`${describeUsage(counter, reading.used)}, resets ${formatLocalTime(counter.window.end, settings.timeZone)}`);
    });
    if (plan.leaseSets.length === 0 && plan.counters.length === 0) return unlimited;
    const renewal = this.store.leasesExpire && plan.leaseSets.length > 0 ? this.#renewEvery(plan, settings.leaseTtlMs) : undefined;
    let settled = false;
    return {
      fallback,
      warnings,
      settle: (usage, cost) => {
        if (settled) return;
        settled = true;
        if (renewal) clearInterval(renewal);
        this.store.settle({ id: plan.request.id, leaseSets: plan.leaseSets, amounts: amountsOf(plan.counters, usage, cost) }).catch((error: unknown) => this.#events.storeError('settle', error, true));
      },
    };
  }

  #renewEvery(plan: AdmissionPlan, ttlMs: number): NodeJS.Timeout {
    const timer = setInterval(() => {
      this.store.renew(plan.request.id, plan.leaseSets, ttlMs).catch((error: unknown) => this.#events.storeError('renew', error, true));
    }, Math.max(250, Math.floor(ttlMs / 3)));
    timer.unref();
    return timer;
  }
}

/** One budget of one key or profile, for /status and /metrics. Amounts in US dollars or tokens. */
export interface BudgetStatus {
  scope: 'key' | 'profile';
  name: string;
  budget: 'usd_per_day' | 'usd_per_month' | 'tokens_per_day';
  limit: number;
  used: number;
  remaining: number;
  /** `2026-01-05` or `2026-01`. */
  window: string;
  /** Local time with offset when the window ends. */
  resets_at: string;
}

/** One amount per distinct counter (`limits.tokens_per_day` and `budget.tokens_per_day` share one). */
function amountsOf(counters: readonly PlannedCounter[], usage: Usage | null, cost: UsageCost | null): Array<{ key: string; amount: number; counted: boolean; expiresAt: number }> {
  const byKey = new Map<string, { key: string; amount: number; counted: boolean; expiresAt: number }>();
  for (const counter of counters) {
    if (byKey.has(counter.check.key)) continue;
    const amount = counter.unit === 'tokens' ? (usage ? usage.inputTokens + usage.outputTokens : 0) : cost ? toNanoUsd(cost.usd) : 0;
    const counted = counter.unit === 'tokens' ? usage !== null : cost !== null;
    // Kept a day past the window, so /status can still read a counter at the turn of the day.
    byKey.set(counter.check.key, { key: counter.check.key, amount, counted, expiresAt: counter.window.end + 86_400_000 });
  }
  return [...byKey.values()];
}

/** `key ci-agent usd_per_day: 83% used ($41.50 of $50.00)` */
function describeUsage(counter: PlannedCounter, used: number): string {
  const share = Math.floor((used / counter.check.limit) * 100);
  return `${counter.scope} ${counter.owner} ${counter.budget}: ${share}% used (${amountText(counter, used)} of ${amountText(counter, counter.check.limit)})`;
}

/** `$41.50`, or `$0.039` under a dollar, or `12,000 tokens`: a counter amount in its unit. */
function amountText(counter: PlannedCounter, value: number): string {
  if (counter.unit === 'tokens') return `${value.toLocaleString('en-US')} tokens`;
  const usd = value / 1e9;
  return `$${usd >= 1 || usd === 0 ? usd.toFixed(2) : Number(usd.toPrecision(3)).toString()}`;
}

function refusalError(plan: AdmissionPlan, refusal: AdmitRefusal, timeZone: string, now: number): GatewayError {
  switch (refusal.kind) {
    case 'lease': {
      const owner = plan.leaseOwners[refusal.index]!;
      return new GatewayError('SB_LIMIT_CONCURRENCY', `API key "${owner.name}" already has ${refusal.inFlight} requests in flight (max_concurrent: ${owner.max})`, { retryAfterSeconds: 1 });
    }
    case 'window': {
      const owner = plan.windowOwners[refusal.index]!;
      return new GatewayError('SB_LIMIT_RATE', `API key "${owner.key}" reached ${owner.max} requests per minute`, { retryAfterSeconds: Math.max(1, Math.ceil(refusal.retryAfterMs / 1000)) });
    }
    case 'counter': {
      const counter = plan.counters[refusal.index]!;
      const resets = formatLocalTime(counter.window.end, timeZone);
      const retryAfterSeconds = Math.max(1, Math.ceil((counter.window.end - now) / 1000));
      if (counter.keyLimit) {
        return new GatewayError('SB_LIMIT_TOKENS', `API key "${counter.owner}" used its ${counter.check.limit} tokens for today (${counter.window.id}, ${timeZone}); the limit resets at ${resets}`, { retryAfterSeconds });
      }
      const ownerText = counter.scope === 'key' ? `API key "${counter.owner}"` : `profile "${counter.owner}"`;
      const { used, finished } = refusal.reading;
      // Refused before the limit itself when what is left would not pay for an average request: say so, or "97 %" reads like a bug.
      const why = used < counter.check.limit && finished > 0 ? ` (what is left would not cover one more request at its average of ${amountText(counter, Math.floor(used / finished))})` : '';
      return new GatewayError(
        'SB_BUDGET_EXHAUSTED',
        `Switchboard budget used up: ${describeUsage(counter, used)} for ${counter.window.id} (${timeZone}) of ${ownerText}${why}. It resets at ${resets}; until then this ${counter.scope} is refused (raise budget.${counter.budget} or set budget_fallback in the gateway config).`,
        { retryAfterSeconds },
      );
    }
    default: {
      const unreachable: never = refusal;
      throw new Error(`unknown refusal ${JSON.stringify(unreachable)}`);
    }
  }
}

import type { CompiledProfile, ResolvedBudget, ResolvedKey, ResolvedLimits, Target } from '../config/snapshot.js';
import { calendarWindow, type CalendarWindow } from '../spend/budget-window.js';
import type { AdmitRequest, LeaseSetCheck, SpendCounterCheck, StartWindowCheck } from './counter-store.js';

/** The budget fields of gateway.yaml, as they are named in messages, /status and metrics. */
export type BudgetName = 'usd_per_day' | 'usd_per_month' | 'tokens_per_day';

/** One spend counter an admission checks, and what it means. */
export interface PlannedCounter {
  check: SpendCounterCheck;
  scope: 'key' | 'profile';
  owner: string;
  budget: BudgetName;
  /** `limits.tokens_per_day` of a key (refused as SB_LIMIT_TOKENS) rather than a `budget`. */
  keyLimit: boolean;
  unit: 'nano_usd' | 'tokens';
  window: CalendarWindow;
  warnAtPercent: number;
  /** Where requests go when this budget is used up; undefined: refuse. */
  fallback: readonly Target[] | undefined;
}

/** What one admission asks of the store, with the meaning of each check. */
export interface AdmissionPlan {
  request: AdmitRequest;
  counters: PlannedCounter[];
  /** Lease sets, for renewal and settlement. */
  leaseSets: string[];
  /** Whose limit each lease set and window is, for refusal messages. */
  leaseOwners: Array<{ scope: 'key' | 'profile'; name: string; max?: number }>;
  windowOwners: Array<{ key: string; max: number }>;
}

const minute = 60_000;

/** Whether any limit or budget applies: without one, no store is asked (no round trip on the hot path). */
export function needsAdmission(key: ResolvedKey, profile: CompiledProfile): boolean {
  const { limits } = key;
  return limits.max_concurrent !== undefined || limits.requests_per_minute !== undefined || limits.tokens_per_day !== undefined || key.budget !== undefined || profile.budget !== undefined;
}

/**
 * Turns a key's limits and the key's and profile's budgets into store checks.
 * Counter names carry the calendar window (`…:usd:day:2026-01-05`), so a new
 * day starts from zero without anyone resetting anything.
 */
export function planAdmission(id: string, now: number, key: ResolvedKey, profile: CompiledProfile, settings: ResolvedLimits, windows: WindowClock): AdmissionPlan {
  const prefix = `{${settings.keyPrefix}}`;
  const leaseSets: LeaseSetCheck[] = [];
  const leaseOwners: AdmissionPlan['leaseOwners'] = [];
  const counters: PlannedCounter[] = [];
  const { limits } = key;
  const keyScoped = limits.max_concurrent !== undefined || limits.tokens_per_day !== undefined || key.budget !== undefined;
  if (keyScoped) {
    leaseSets.push({ key: leaseSetKey(prefix, 'key', key.name), ...(limits.max_concurrent === undefined ? {} : { max: limits.max_concurrent }) });
    leaseOwners.push({ scope: 'key', name: key.name, ...(limits.max_concurrent === undefined ? {} : { max: limits.max_concurrent }) });
    const leaseSet = leaseSets.length - 1;
    if (key.budget) counters.push(...budgetCounters(prefix, 'key', key.name, key.budget, key.budgetFallback, leaseSet, now, settings.timeZone, windows));
    if (limits.tokens_per_day !== undefined) {
      const window = windows.current('day', now, settings.timeZone);
      counters.push({
        check: { key: counterKey(prefix, 'key', key.name, 'tokens_per_day', window), leaseSet, limit: limits.tokens_per_day, refuse: true },
        scope: 'key',
        owner: key.name,
        budget: 'tokens_per_day',
        keyLimit: true,
        unit: 'tokens',
        window,
        warnAtPercent: 100,
        fallback: undefined,
      });
    }
  }
  if (profile.budget) {
    leaseSets.push({ key: leaseSetKey(prefix, 'profile', profile.name) });
    leaseOwners.push({ scope: 'profile', name: profile.name });
    counters.push(...budgetCounters(prefix, 'profile', profile.name, profile.budget, profile.budgetFallback, leaseSets.length - 1, now, settings.timeZone, windows));
  }
  const startWindows: StartWindowCheck[] = limits.requests_per_minute === undefined ? [] : [{ key: startWindowKey(prefix, key.name), max: limits.requests_per_minute, windowMs: minute }];
  return {
    request: { id, now, leaseTtlMs: settings.leaseTtlMs, leaseSets, windows: startWindows, counters: counters.map((counter) => counter.check) },
    counters,
    leaseSets: leaseSets.map((set) => set.key),
    leaseOwners,
    windowOwners: startWindows.map((window) => ({ key: key.name, max: window.max })),
  };
}

function budgetCounters(
  prefix: string,
  scope: 'key' | 'profile',
  owner: string,
  budget: ResolvedBudget,
  fallback: readonly Target[] | undefined,
  leaseSet: number,
  now: number,
  timeZone: string,
  windows: WindowClock,
): PlannedCounter[] {
  const planned: PlannedCounter[] = [];
  const add = (name: BudgetName, limit: number | undefined, kind: 'day' | 'month', unit: PlannedCounter['unit']): void => {
    if (limit === undefined) return;
    const window = windows.current(kind, now, timeZone);
    const scaled = unit === 'nano_usd' ? Math.round(limit * 1e9) : limit;
    planned.push({
      check: { key: counterKey(prefix, scope, owner, name, window), leaseSet, limit: scaled, refuse: fallback === undefined },
      scope,
      owner,
      budget: name,
      keyLimit: false,
      unit,
      window,
      warnAtPercent: budget.warnAtPercent,
      fallback,
    });
  };
  add('usd_per_day', budget.usdPerDay, 'day', 'nano_usd');
  add('usd_per_month', budget.usdPerMonth, 'month', 'nano_usd');
  add('tokens_per_day', budget.tokensPerDay, 'day', 'tokens');
  return planned;
}

/** `{switchboard}:spend:key:ci-agent:usd:day:2026-01-05`; `limits.tokens_per_day` and `budget.tokens_per_day` share one counter. */
export function counterKey(prefix: string, scope: 'key' | 'profile', owner: string, budget: BudgetName, window: CalendarWindow): string {
  const unit = budget === 'tokens_per_day' ? 'tokens' : 'usd';
  return `${prefix}:spend:${scope}:${owner}:${unit}:${window.kind}:${window.id}`;
}

/** The lease set of a scope's requests in flight. */
export function leaseSetKey(prefix: string, scope: 'key' | 'profile', owner: string): string {
  return `${prefix}:inflight:${scope}:${owner}`;
}

/** The start times of a key's requests of the last minute. */
export function startWindowKey(prefix: string, key: string): string {
  return `${prefix}:starts:key:${key}`;
}

/** Calendar windows computed once per window and time zone, not per request (Intl formatting is the costly part). */
export class WindowClock {
  readonly #cache = new Map<string, CalendarWindow>();

  current(kind: 'day' | 'month', now: number, timeZone: string): CalendarWindow {
    const id = `${kind}\u0000${timeZone}`;
    const cached = this.#cache.get(id);
    if (cached && now >= cached.start && now < cached.end) return cached;
    const window = calendarWindow(kind, now, timeZone);
    this.#cache.set(id, window);
    return window;
  }
}

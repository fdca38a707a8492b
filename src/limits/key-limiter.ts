import type { ResolvedKey } from '../config/snapshot.js';
import { GatewayError } from '../errors/gateway-error.js';

interface KeyUsage {
  inFlight: number;
  /** Start times (ms) of the requests of the last minute, oldest first; never longer than the key's limit. */
  recentStarts: number[];
  tokensDay: string;
  tokensUsed: number;
}

/**
 * Per-key limits from `keys.NAME.limits`: concurrent requests, requests per
 * rolling minute, tokens per UTC day. Counted in memory per gateway process:
 * N replicas behind a load balancer allow up to N times the limit (a shared
 * store is a later step; see docs/operations.md). Limits are read from the
 * key of the snapshot each request started with, so a reload changes them
 * for the next request.
 */
export class KeyLimiter {
  private readonly usage = new Map<string, KeyUsage>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Admits one request or throws a 429 GatewayError with `retryAfterSeconds`. Call the returned function when the request ends. */
  admit(key: ResolvedKey): () => void {
    const { limits } = key;
    if (limits.max_concurrent === undefined && limits.requests_per_minute === undefined && limits.tokens_per_day === undefined) return noop;
    const usage = this.usageOf(key.name);
    const now = this.now();
    if (limits.max_concurrent !== undefined && usage.inFlight >= limits.max_concurrent) {
      throw new GatewayError('SB_LIMIT_CONCURRENCY', `API key "${key.name}" already has ${usage.inFlight} requests in flight (max_concurrent: ${limits.max_concurrent})`, { retryAfterSeconds: 1 });
    }
    if (limits.requests_per_minute !== undefined) {
      const windowStart = now - 60_000;
      while (usage.recentStarts.length > 0 && usage.recentStarts[0]! <= windowStart) usage.recentStarts.shift();
      if (usage.recentStarts.length >= limits.requests_per_minute) {
        const wait = (usage.recentStarts[0]! + 60_000 - now) / 1000;
        throw new GatewayError('SB_LIMIT_RATE', `API key "${key.name}" reached ${limits.requests_per_minute} requests per minute`, { retryAfterSeconds: Math.max(1, Math.ceil(wait)) });
      }
    }
    if (limits.tokens_per_day !== undefined) {
      this.rollDay(usage, now);
      if (usage.tokensUsed >= limits.tokens_per_day) {
        const nextDay = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate() + 1);
        throw new GatewayError('SB_LIMIT_TOKENS', `API key "${key.name}" used its ${limits.tokens_per_day} tokens for today (UTC)`, { retryAfterSeconds: Math.ceil((nextDay - now) / 1000) });
      }
    }
    if (limits.requests_per_minute !== undefined) usage.recentStarts.push(now);
    usage.inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      usage.inFlight--;
    };
  }

  /** Counts a finished request's tokens against the key's daily budget. */
  recordTokens(key: ResolvedKey, tokens: number): void {
    if (key.limits.tokens_per_day === undefined || tokens <= 0) return;
    const usage = this.usageOf(key.name);
    this.rollDay(usage, this.now());
    usage.tokensUsed += tokens;
  }

  /** Per-key counters for `/status`. */
  snapshot(): Record<string, { in_flight: number; requests_last_minute: number; tokens_today: number }> {
    const now = this.now();
    const result: Record<string, { in_flight: number; requests_last_minute: number; tokens_today: number }> = {};
    for (const [name, usage] of this.usage) {
      result[name] = {
        in_flight: usage.inFlight,
        requests_last_minute: usage.recentStarts.filter((start) => start > now - 60_000).length,
        tokens_today: usage.tokensDay === utcDay(now) ? usage.tokensUsed : 0,
      };
    }
    return result;
  }

  private usageOf(name: string): KeyUsage {
    let usage = this.usage.get(name);
    if (!usage) {
      usage = { inFlight: 0, recentStarts: [], tokensDay: '', tokensUsed: 0 };
      this.usage.set(name, usage);
    }
    return usage;
  }

  private rollDay(usage: KeyUsage, now: number): void {
    const day = utcDay(now);
    if (usage.tokensDay !== day) {
      usage.tokensDay = day;
      usage.tokensUsed = 0;
    }
  }
}

function noop(): void {}

function utcDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

import type { ModelPrice } from '../config/types.js';

/** Prices of one model in US dollars per token (not per million). */
export interface TokenPrices {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  reasoning: number;
}

/** Where a price came from, for `check` messages and `explain`-style output. */
export type PriceSource = 'config' | 'built-in' | 'mock';

export interface PriceEntry {
  /** The entry's match as written: `target`, or `target_regex` source. */
  match: string;
  source: PriceSource;
  /** Index in `pricing.models` for config entries. */
  index?: number;
  test(target: string): boolean;
  prices: TokenPrices;
}

/** Memoized lookups are bounded: regex rules put client-chosen text into targets. */
const memoLimit = 1000;

/**
 * Every price the gateway knows, in lookup order: `pricing.models` of
 * gateway.yaml, then the free `mock` providers, then the built-in table.
 * First match wins. Pure and immutable once built.
 */
export class PriceTable {
  readonly entries: readonly PriceEntry[];
  readonly #memo = new Map<string, PriceEntry | null>();

  constructor(entries: readonly PriceEntry[]) {
    this.entries = entries;
  }

  /** The entry that prices `provider/model`, or undefined when none does. */
  lookup(target: string): PriceEntry | undefined {
    const known = this.#memo.get(target);
    if (known !== undefined) return known ?? undefined;
    const found = this.entries.find((entry) => entry.test(target)) ?? null;
    if (this.#memo.size >= memoLimit) this.#memo.clear();
    this.#memo.set(target, found);
    return found ?? undefined;
  }
}

/** Compiles config-shaped entries (validated already: one matcher each, a valid regex). `usdPerUnit` converts their currency. */
export function priceEntries(models: readonly ModelPrice[], source: PriceSource, usdPerUnit = 1): PriceEntry[] {
  return models.map((model, index) => {
    const test = matcherOf(model);
    return { match: model.target ?? model.target_regex ?? '', source, ...(source === 'config' ? { index } : {}), test, prices: tokenPrices(model, usdPerUnit) };
  });
}

/** Zero prices for every model of a provider (the built-in `mock`). */
export function freeProviderEntry(provider: string): PriceEntry {
  const prefix = `${provider}/`;
  const zero = { input: 0, output: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0, reasoning: 0 };
  return { match: `${provider}/*`, source: 'mock', test: (target) => target.startsWith(prefix), prices: zero };
}

/** `target` with `*` wildcards, or `target_regex`, as a test over `provider/model`. */
export function matcherOf(model: Pick<ModelPrice, 'target' | 'target_regex'>): (target: string) => boolean {
  if (model.target_regex !== undefined) {
    const regex = new RegExp(model.target_regex);
    return (target) => regex.test(target);
  }
  const pattern = model.target ?? '';
  if (!pattern.includes('*')) return (target) => target === pattern;
  const regex = new RegExp(`^${pattern.split('*').map(escapeRegex).join('.*')}$`, 's');
  return (target) => regex.test(target);
}

/** Per-token US dollar prices with the documented defaults: cache prices fall back to `input`, 1-hour writes to 5-minute ones, reasoning to `output`. */
function tokenPrices(model: ModelPrice, usdPerUnit: number): TokenPrices {
  const perToken = (perMillion: number): number => (perMillion * usdPerUnit) / 1e6;
  const cacheWrite5m = model.cache_write_5m ?? model.input;
  return {
    input: perToken(model.input),
    output: perToken(model.output),
    cacheRead: perToken(model.cache_read ?? model.input),
    cacheWrite5m: perToken(cacheWrite5m),
    cacheWrite1h: perToken(model.cache_write_1h ?? cacheWrite5m),
    reasoning: perToken(model.reasoning ?? model.output),
  };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

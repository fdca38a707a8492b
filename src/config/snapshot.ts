import type { ModelPattern } from '../routing/model-pattern.js';
import type { PriceTable } from '../spend/price-table.js';
import type { SecretRedactor } from './secret-redactor.js';
import type { GatewayFile, KeyLimits, ProviderFormat, ProfileFile } from './types.js';

/**
 * The validated, compiled, deep-frozen config that serves requests. A reload
 * builds a whole new snapshot and swaps it in one assignment; a request keeps
 * the snapshot it started with until it ends.
 */
export interface ConfigSnapshot {
  /** Short content hash of every config file (12 hex digits), plus `@<commit>` when the folder is a git checkout. */
  readonly version: string;
  /** Content hash alone. */
  readonly contentHash: string;
  /** Git commit (short) of the config folder, when it is a git checkout. */
  readonly commit?: string;
  /** ISO 8601 time the snapshot was loaded. */
  readonly loadedAt: string;
  /** Absolute config folder. */
  readonly dir: string;
  readonly server: Readonly<ResolvedServer>;
  readonly providers: ReadonlyMap<string, ResolvedProvider>;
  readonly profiles: ReadonlyMap<string, CompiledProfile>;
  /** Keys by the SHA-256 hex of their secret. */
  readonly keysBySha256: ReadonlyMap<string, ResolvedKey>;
  readonly keysByName: ReadonlyMap<string, ResolvedKey>;
  readonly traces: Readonly<ResolvedTraces>;
  /** Prices of `provider/model` targets: `pricing.models`, the free mock providers, the built-in table. */
  readonly prices: PriceTable;
  readonly limits: Readonly<ResolvedLimits>;
  readonly ui: Readonly<ResolvedUi>;
  /** Absent when `otel` is not configured. */
  readonly otel?: Readonly<ResolvedOtel>;
  /** The parsed files as written, for `plan` and `explain`. */
  readonly source: { readonly gateway: GatewayFile; readonly profiles: ReadonlyMap<string, ProfileFile> };
}

export interface ResolvedServer {
  host: string;
  port: number;
  bodyLimitBytes: number;
  upstreamBodyLimitBytes: number;
  requestTimeoutMs: number;
  sendTimeoutMs: number;
  keepAliveTimeoutMs: number;
  drainTimeoutMs: number;
  /** Whether `GET /v1/responses` may be upgraded to the Responses WebSocket. */
  websocket: boolean;
  /** The keyless operations listener, when configured. */
  admin?: { host: string; port: number };
}

export interface ResolvedProvider {
  name: string;
  format: ProviderFormat;
  /** Base URL without a trailing slash or query; empty for `mock`. */
  baseUrl: string;
  /** The query of `base_url` (`?api-version=2024-10-21`), appended to every request path; empty when none. */
  baseQuery: string;
  /** The credential read from the environment; undefined when not configured or the variable is unset. */
  apiKey?: string;
  /** The `${ENV}` name of the credential, for error messages. */
  apiKeyEnv?: string;
  /** Configured extra headers with `${ENV}` references resolved. */
  headers: Readonly<Record<string, string>>;
  timeouts: { connectMs: number; queueMs: number; firstByteMs: number; idleMs: number };
  retry: { maxRetries: number; backoffMs: number };
  maxConnections: number;
  maxPending: number;
  /** Cap on the output token limit of translated requests. */
  maxOutputTokens?: number;
  /** The field that carries the output token limit on translated `openai-chat` requests. */
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
  /** Whether translated `openai-chat` requests carry `prompt_cache_key`. */
  sendsPromptCacheKey: boolean;
  /**
   * Removes every provider credential of the snapshot (api keys, `${ENV}` header values) from text an
   * upstream sent back, before it is relayed or traced. Shared by all providers of one snapshot.
   */
  redactSecrets: SecretRedactor;
}

export interface ResolvedKey {
  name: string;
  sha256: string;
  /** The active profile. */
  profile: string;
  /** Every profile the key may use: the active one first, then `profiles`. */
  allowedProfiles: readonly string[];
  /** `admin` keys may read `/status` and `/metrics`. */
  role: 'client' | 'admin';
  disabled: boolean;
  limits: KeyLimits;
  budget?: ResolvedBudget;
  /** Targets once a budget of the key is used up; without them the request is refused. */
  budgetFallback?: readonly Target[];
  /** Line of the key's entry in gateway.yaml, for links from the console. */
  line?: number;
}

/** A key's or profile's `budget`, defaults applied. */
export interface ResolvedBudget {
  usdPerDay?: number;
  usdPerMonth?: number;
  tokensPerDay?: number;
  warnAtPercent: number;
}

/** `limits:` of gateway.yaml, defaults applied. */
export interface ResolvedLimits {
  /** `memory`, or the Redis URL with `${ENV}` references resolved. */
  store: string;
  /** The store as written (a password stays an `${ENV}` reference), for logs and /status. */
  storeDisplay: string;
  onStoreError: 'allow' | 'refuse';
  storeTimeoutMs: number;
  leaseTtlMs: number;
  timeZone: string;
  keyPrefix: string;
}

export interface ResolvedUi {
  enabled: boolean;
  sessionMs: number;
  indexMaxRequests: number;
  /** URL template with `{file}`, `{line}`, `{commit}`. */
  sourceLink?: string;
}

export interface ResolvedOtel {
  /** `<endpoint>/v1/traces`. */
  tracesUrl: string;
  /** Configured headers with `${ENV}` references resolved. */
  headers: Readonly<Record<string, string>>;
  captureContent: boolean;
  serviceName: string;
  maxQueueSize: number;
}

export interface ResolvedTraces {
  enabled: boolean;
  /** Absolute folder. */
  dir: string;
  /**
   * The folder `dir` must stay inside, without symbolic links on the way: the config folder for a
   * relative `traces.dir`; `dir` itself when absolute (the default).
   */
  root?: string;
  capture: 'full' | 'metadata';
  maxBodyBytes: number;
  maxFileBytes: number;
  rotateEvery: 'hourly' | 'daily' | 'never';
  maxFiles: number;
  maxAgeDays: number;
  gzip: boolean;
}

/** A `provider/model` target. For regex rules `model` may hold `$1`-style references until resolved. */
export interface Target {
  provider: string;
  model: string;
}

export interface CompiledRule {
  /** Position in the profile's `rules`, from 0. */
  index: number;
  /** The rule's match text as written: the exact model, or the regex source. */
  match: string;
  kind: 'exact' | 'regex';
  /** Compiled once at load, never on the request path; matched in linear time. */
  regex?: ModelPattern;
  targets: readonly Target[];
  /** Line of the rule in its profile file, for links from the console. */
  line?: number;
}

export interface CompiledProfile {
  name: string;
  /** Absolute path of the profile file. */
  file: string;
  rules: readonly CompiledRule[];
  /** Index of the first exact rule for each exact model, so exact lookups skip the scan. */
  firstExactRule: ReadonlyMap<string, number>;
  defaultTargets?: readonly Target[];
  /** What `GET /v1/models` lists for the profile, in order: each rule's entries, then the default's model. */
  listedModels: readonly ListedModelEntry[];
  budget?: ResolvedBudget;
  /** Targets once a budget of the profile is used up; without them the request is refused. */
  budgetFallback?: readonly Target[];
  /** Line of `default:` in the profile file. */
  defaultLine?: number;
}

/** One entry of a profile's model list. */
export interface ListedModelEntry {
  id: string;
  displayName: string;
}

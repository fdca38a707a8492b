/**
 * The configuration a user edits: `gateway.yaml` and `profiles/NAME.yaml`.
 * These types are the single source of `schema/*.schema.json`
 * (`npm run schema`); the TSDoc comments become the schema descriptions that
 * editors show on hover, so write them for the person editing the YAML.
 */

/** The wire format a provider speaks. `mock` is the built-in offline provider. */
export type ProviderFormat = 'anthropic' | 'openai-chat' | 'openai-responses' | 'mock';

/** The top-level `gateway.yaml`. */
export interface GatewayFile {
  /** Listening address and request limits. */
  server?: ServerSettings;
  /** Upstream providers by name. The name is the part before the first `/` in a rule target. */
  providers: { [name: string]: ProviderSettings };
  /** API keys by name. The name appears in traces and metrics; the secret never does. */
  keys: { [name: string]: KeySettings };
  /** Where trace files go and how they rotate. */
  traces?: TraceSettings;
  /** Prices of provider models, checked before the built-in table (docs/cost.md). Each trace line's `cost` and the `usd_*` budgets come from these. */
  pricing?: PricingSettings;
  /** Where per-key limits and budgets are counted: in this process (one replica) or in Redis (shared by every replica). */
  limits?: LimitStoreSettings;
  /** The read-only web console at `/ui`, for keys with `role: admin`. Off unless enabled. */
  ui?: UiSettings;
  /** OpenTelemetry export: one span per request (and per upstream attempt) over OTLP/HTTP. Off unless an endpoint is given. */
  otel?: OtelSettings;
}

/** Listening address and request limits. */
export interface ServerSettings {
  /**
   * Address to listen on.
   * @default "127.0.0.1"
   */
  host?: string;
  /**
   * TCP port to listen on.
   * @minimum 0
   * @maximum 65535
   * @default 8090
   * @asType integer
   */
  port?: number;
  /**
   * Largest accepted request body, in MiB. Claude Code resends its whole history every turn, so keep this generous.
   * @exclusiveMinimum 0
   * @default 32
   */
  body_limit_mb?: number;
  /**
   * Largest whole (non-streamed) answer read from a provider, in MiB; a larger one is refused with 502 and its connection closed. Streams are relayed as they arrive and are not capped; error bodies are read up to 64 KiB.
   * @exclusiveMinimum 0
   * @default 32
   */
  upstream_body_limit_mb?: number;
  /**
   * Milliseconds a client may take to send its whole request before it gets 408.
   * @minimum 1000
   * @default 30000
   * @asType integer
   */
  request_timeout_ms?: number;
  /**
   * Milliseconds a write to a client may stay unsent (the client stopped reading) before the gateway closes the connection and aborts the upstream call, like nginx's `send_timeout`.
   * @minimum 1000
   * @default 60000
   * @asType integer
   */
  send_timeout_ms?: number;
  /**
   * Milliseconds an idle keep-alive connection from a client stays open. Keep it above the idle timeout of any load balancer in front (60 s on AWS ALB and GCP), or the balancer reuses a connection the gateway is closing and answers 502.
   * @minimum 1000
   * @default 75000
   * @asType integer
   */
  keep_alive_timeout_ms?: number;
  /**
   * A second listener for `/status`, `/metrics`, `/healthz` and `/readyz` only, answered without a key: bind it to loopback or a network only operators and Prometheus reach. Without it, `/status` and `/metrics` on the main port answer admin keys only (`role: admin`). Changes take effect on restart; `serve --admin-host/--admin-port` override it.
   */
  admin?: AdminListenerSettings;
  /**
   * Milliseconds SIGTERM waits for in-flight requests and streams before exiting.
   * @minimum 0
   * @default 30000
   * @asType integer
   */
  drain_timeout_ms?: number;
  /**
   * Serve the Responses API over WebSocket too: `GET /v1/responses` upgraded, one `response.create` frame per
   * response, as Codex uses it when its provider sets `supports_websockets = true`. Off: the upgrade is refused
   * with 426 and Codex falls back to HTTP at once. A reload applies to new connections.
   * @default true
   */
  websocket?: boolean;
}

/** The admin listener: operations endpoints without a key, apart from client traffic. */
export interface AdminListenerSettings {
  /**
   * Address to listen on.
   * @default "127.0.0.1"
   */
  host?: string;
  /**
   * TCP port to listen on, e.g. 8091.
   * @minimum 0
   * @maximum 65535
   * @asType integer
   */
  port: number;
}

/** One upstream provider. */
export interface ProviderSettings {
  /** The wire format the provider speaks: `anthropic` (Messages API), `openai-chat` (Chat Completions), `openai-responses` (Responses API) or `mock` (built-in, offline). */
  format: ProviderFormat;
  /**
   * Base URL including any path prefix, e.g. `https://api.anthropic.com`, `https://api.deepseek.com/v1`. Not used by `mock`.
   * @format uri
   */
  base_url?: string;
  /**
   * The provider credential as an environment variable reference, e.g. `${DEEPSEEK_API_KEY}`. A literal secret is refused.
   * @pattern ^\$\{[A-Za-z_][A-Za-z0-9_]*\}$
   */
  api_key?: string;
  /** Extra headers sent on every upstream request. Values may contain `${ENV}` references. */
  headers?: { [name: string]: string };
  /** Timeouts for calls to this provider. */
  timeouts?: ProviderTimeouts;
  /** Retry policy for failures before the first byte reached the client. */
  retry?: RetrySettings;
  /**
   * Requests kept open at once to this provider (the connection pool size).
   * @minimum 1
   * @default 512
   * @asType integer
   */
  max_connections?: number;
  /**
   * Requests that may wait for a free connection when all `max_connections` are busy. One more is not queued: it falls back to the route's next target, or gets 503.
   * @minimum 0
   * @default 256
   * @asType integer
   */
  max_pending?: number;
  /**
   * Highest output token limit this provider accepts. A translated request asking for more is sent with this limit instead, and the trace line says so. DeepSeek's `deepseek-chat`, for one, refuses more than 8192, while Claude Code asks for 32000 or more.
   * @minimum 1
   * @asType integer
   */
  max_output_tokens?: number;
  /**
   * `openai-chat` only: the field that carries the output token limit on translated requests. Most OpenAI-compatible servers (DeepSeek, OpenRouter, vLLM, Ollama) read `max_tokens`; OpenAI's own Chat Completions API wants `max_completion_tokens` for its reasoning models.
   * @default "max_tokens"
   */
  max_tokens_field?: 'max_tokens' | 'max_completion_tokens';
  /**
   * `openai-chat` only: whether translated requests carry the client's `prompt_cache_key` (Codex sends its session id). OpenAI routes
   * requests with the same key to the same prompt cache; most OpenAI-compatible servers ignore the field, but a server that refuses
   * unknown fields (Mistral answers 422) needs `false`.
   * @default true
   */
  prompt_cache_key?: boolean;
}

/** Timeouts for calls to one provider, in milliseconds. */
export interface ProviderTimeouts {
  /**
   * Time to open the TCP/TLS connection.
   * @minimum 1
   * @default 10000
   * @asType integer
   */
  connect_ms?: number;
  /**
   * Longest wait for a free connection when the pool is full; then the route's next target is tried, or the client gets 503. The wait also counts against `first_byte_ms`.
   * @minimum 1
   * @default 10000
   * @asType integer
   */
  queue_ms?: number;
  /**
   * Time from the start of the attempt (queueing for a connection included) to the response headers and, for streams, the first event.
   * @minimum 1
   * @default 120000
   * @asType integer
   */
  first_byte_ms?: number;
  /**
   * Longest silence between two chunks of a streamed response.
   * @minimum 1
   * @default 300000
   * @asType integer
   */
  idle_ms?: number;
}

/** How failed attempts are retried before any byte reached the client. */
export interface RetrySettings {
  /**
   * Extra attempts on the same target after a retryable failure (connect error, timeout before first byte, 429, 5xx, 529).
   * @minimum 0
   * @maximum 10
   * @default 1
   * @asType integer
   */
  max_retries?: number;
  /**
   * First backoff in milliseconds; doubles each retry, with jitter. A `retry-after` header takes precedence.
   * @minimum 0
   * @default 250
   * @asType integer
   */
  backoff_ms?: number;
}

/** One API key. */
export interface KeySettings {
  /**
   * SHA-256 of the secret, as 64 lowercase hex digits. `switchboard keygen --name NAME` prints a secret and this hash.
   * @pattern ^[0-9a-f]{64}$
   */
  sha256: string;
  /** The profile this key uses by default: a file `profiles/<profile>.yaml`. */
  profile: string;
  /** Other profiles the client may select per request with the header `x-switchboard-profile`. */
  profiles?: string[];
  /**
   * `admin` marks an operator's key: it may also read `/status` and `/metrics` on the main port (config and trace paths, key usage, rules, reload errors) and sign in to the web console at `/ui`; `client` keys are refused there. An admin key still routes model requests by its profile.
   * @default "client"
   */
  role?: 'client' | 'admin';
  /**
   * A disabled key is refused with 403.
   * @default false
   */
  disabled?: boolean;
  /** Per-key limits, counted per gateway instance. */
  limits?: KeyLimits;
  /** Spend and token budget of this key, over calendar windows in `limits.time_zone`. */
  budget?: BudgetSettings;
  /** Where this key's requests go once a budget of the key is used up, instead of being refused with 429: `provider/model`, or a list tried in order. */
  budget_fallback?: TargetList;
  /** Free text for reviewers: who holds the key. */
  description?: string;
}

/** A budget over calendar windows in `limits.time_zone`. Spend is counted when a request finishes, from the usage the provider reported. */
export interface BudgetSettings {
  /**
   * US dollars per calendar day.
   * @exclusiveMinimum 0
   */
  usd_per_day?: number;
  /**
   * US dollars per calendar month.
   * @exclusiveMinimum 0
   */
  usd_per_month?: number;
  /**
   * Input plus output tokens per calendar day.
   * @minimum 1
   * @asType integer
   */
  tokens_per_day?: number;
  /**
   * Share of a budget, in percent, from which responses carry `x-switchboard-budget-warning` and trace lines a `budget` note.
   * @exclusiveMinimum 0
   * @maximum 100
   * @default 80
   */
  warn_at_percent?: number;
}

/** Prices of provider models. */
export interface PricingSettings {
  /**
   * ISO 4217 code of the prices below, e.g. `USD`, `EUR`. Any currency but `USD` needs `usd_per_unit`.
   * @default "USD"
   */
  currency?: string;
  /**
   * US dollars per unit of `currency` (e.g. `1.08` for EUR), so costs and budgets stay in US dollars.
   * @exclusiveMinimum 0
   */
  usd_per_unit?: number;
  /** Prices by target, first match wins; they override the built-in table (src/spend/default-prices.ts). */
  models: ModelPrice[];
}

/** The price of the models one entry matches, per million tokens in `pricing.currency`. Give exactly one of `target` and `target_regex`. */
export interface ModelPrice {
  /** `provider/model` as in rule targets; `*` matches any text, e.g. `openrouter/*`, `deepseek/deepseek-*`. */
  target?: string;
  /** A JavaScript regular expression over `provider/model`; anchor it yourself. */
  target_regex?: string;
  /**
   * Prompt tokens that were neither read from nor written to the cache.
   * @minimum 0
   */
  input: number;
  /**
   * Generated tokens (reasoning included unless `reasoning` is given).
   * @minimum 0
   */
  output: number;
  /**
   * Prompt tokens read from the cache. Defaults to `input`.
   * @minimum 0
   */
  cache_read?: number;
  /**
   * Prompt tokens written to the cache with a 5-minute lifetime (Anthropic's default; OpenAI and DeepSeek do not bill writes). Defaults to `input`.
   * @minimum 0
   */
  cache_write_5m?: number;
  /**
   * Prompt tokens written to the cache with a 1-hour lifetime. Defaults to `cache_write_5m`.
   * @minimum 0
   */
  cache_write_1h?: number;
  /**
   * Reasoning tokens, when the provider bills them apart from other output. Defaults to `output`.
   * @minimum 0
   */
  reasoning?: number;
  /** Free text for reviewers: where the price comes from. */
  description?: string;
}

/** Where per-key limits and budgets are counted. */
export interface LimitStoreSettings {
  /**
   * `memory` counts in this process (one replica; restarts reset the counters). `redis://[:password@]host:6379[/db]` shares counters between every replica; the password may be an `${ENV}` reference. Changing it takes a restart.
   * @default "memory"
   */
  store?: string;
  /**
   * What a request meets when Redis does not answer within `store_timeout_ms`: `allow` serves it without limits (a log line and `switchboard_limit_store_errors_total` say so), `refuse` answers 503.
   * @default "allow"
   */
  on_store_error?: 'allow' | 'refuse';
  /**
   * Longest wait for one Redis command before `on_store_error` applies.
   * @minimum 10
   * @default 250
   * @asType integer
   */
  store_timeout_ms?: number;
  /**
   * Lifetime of a concurrency slot in Redis; renewed every third of it while the request runs, so a slot of a gateway that died frees itself within this time.
   * @minimum 1000
   * @default 30000
   * @asType integer
   */
  lease_ttl_ms?: number;
  /**
   * IANA time zone of the calendar days and months of budgets and `tokens_per_day`, e.g. `Europe/Berlin`.
   * @default "UTC"
   */
  time_zone?: string;
  /**
   * Prefix of every Redis key, so several gateways can share one Redis.
   * @default "switchboard"
   */
  key_prefix?: string;
}

/** Per-key limits, counted in memory per gateway instance. */
export interface KeyLimits {
  /**
   * Requests in flight at once.
   * @minimum 1
   * @asType integer
   */
  max_concurrent?: number;
  /**
   * Requests started per rolling minute.
   * @minimum 1
   * @asType integer
   */
  requests_per_minute?: number;
  /**
   * Input plus output tokens per UTC day.
   * @minimum 1
   * @asType integer
   */
  tokens_per_day?: number;
}

/** Where trace files go and how they rotate. */
export interface TraceSettings {
  /**
   * Write trace files at all.
   * @default true
   */
  enabled?: boolean;
  /**
   * Folder for trace files, relative to the config folder unless absolute.
   * @default "traces"
   */
  dir?: string;
  /**
   * `full` records request and response bodies; `metadata` records everything but the bodies.
   * @default "full"
   */
  capture?: 'full' | 'metadata';
  /**
   * Largest request or response body kept in a line, in KiB; longer bodies are truncated visibly.
   * @minimum 1
   * @default 1024
   * @asType integer
   */
  max_body_kb?: number;
  /**
   * Rotate `traces.jsonl` when it grows past this many MiB.
   * @exclusiveMinimum 0
   * @default 100
   */
  max_file_mb?: number;
  /**
   * Rotate `traces.jsonl` at the start of every UTC hour or day, or only by size.
   * @default "daily"
   */
  rotate_every?: 'hourly' | 'daily' | 'never';
  /**
   * Rotated files kept; older ones are deleted.
   * @minimum 1
   * @default 30
   * @asType integer
   */
  max_files?: number;
  /**
   * Rotated files older than this many days are deleted.
   * @minimum 1
   * @default 30
   * @asType integer
   */
  max_age_days?: number;
  /**
   * Compress rotated files with gzip.
   * @default false
   */
  gzip?: boolean;
}

/** The read-only web console at `/ui`. */
export interface UiSettings {
  /**
   * Serve the console at `/ui`. Only keys with `role: admin` get in.
   * @default false
   */
  enabled?: boolean;
  /**
   * Minutes a browser sign-in lasts before the console asks for the key again.
   * @minimum 1
   * @default 720
   * @asType integer
   */
  session_minutes?: number;
  /**
   * Most requests the console keeps in its in-memory index of the trace files (about 100 bytes each); the newest are kept. Older requests stay readable with `switchboard traces`.
   * @minimum 1000
   * @default 1000000
   * @asType integer
   */
  index_max_requests?: number;
  /**
   * Where the console links a rule or key of the running config: a URL with `{file}`, `{line}` and `{commit}`, e.g. `https://github.com/acme/gateway-config/blob/{commit}/{file}#L{line}`. Without it the console prints `file:line`.
   * @pattern ^https?://
   */
  source_link?: string;
}

/** OpenTelemetry export over OTLP/HTTP (JSON). */
export interface OtelSettings {
  /**
   * The collector's OTLP/HTTP base URL, e.g. `http://collector:4318`; spans go to `<endpoint>/v1/traces`.
   * @format uri
   */
  endpoint: string;
  /** Extra headers on every export request (a vendor's API key, say). Values may contain `${ENV}` references; credentials must. */
  headers?: { [name: string]: string };
  /**
   * Put the prompt and the answer on the request span (`gen_ai.input.messages`, `gen_ai.output.messages`, `gen_ai.system_instructions`). They hold whatever users typed: off unless you mean it.
   * @default false
   */
  capture_content?: boolean;
  /**
   * The `service.name` of the spans.
   * @default "switchboard"
   */
  service_name?: string;
  /**
   * Spans waiting for export at most; past it new spans are dropped (and counted in `switchboard_otel_spans_dropped_total`) rather than slow anything down.
   * @minimum 1
   * @default 4096
   * @asType integer
   */
  max_queue_size?: number;
}

/** A profile file, `profiles/NAME.yaml`; its name is the file name. */
export interface ProfileFile {
  /** Free text for reviewers: what this profile is for. */
  description?: string;
  /** Ordered routing rules; the first rule whose model matches wins. */
  rules: RoutingRule[];
  /** Target (or ordered fallback targets) for models no rule matches. Without it, an unmatched model is refused. */
  default?: TargetList;
  /** Routing cases that `switchboard check` runs, so a pull request proves what it changes. */
  tests?: RoutingTest[];
  /** Spend and token budget shared by every key while it uses this profile, over calendar windows in `limits.time_zone`. */
  budget?: BudgetSettings;
  /** Where requests go once a budget of this profile is used up, instead of being refused with 429. */
  budget_fallback?: TargetList;
}

/** A target `provider/model`, split at the first `/`; or a list of them tried in order on failure. */
export type TargetList = string | string[];

/** One routing rule. Give exactly one of `model` and `model_regex`. */
export interface RoutingRule {
  /** The exact model name the client asks for, e.g. `claude-sonnet-4-5`. */
  model?: string;
  /** A JavaScript regular expression over the requested model; anchor it yourself (`^claude-.*$`). Captures can be used in `to` as `$1`. */
  model_regex?: string;
  /** Where matching requests go: `provider/model`, or a list tried in order on failure. */
  to: TargetList;
  /**
   * The entries this rule adds to the model lists (`GET /v1/models`, which Claude Code reads for its
   * model picker). Without it an exact rule is listed under its `model` and a regex rule is not listed.
   * Each `model` must route to this rule (`switchboard check` verifies); `[]` hides an exact rule.
   */
  list_as?: ListedModel[];
  /** Free text for reviewers. */
  description?: string;
}

/** A model name listed for a rule. */
export interface ListedModel {
  /**
   * The model id clients see and send, e.g. `claude-opus-5-5`.
   * @minLength 1
   */
  model: string;
  /** The name clients show for it (Claude Code's /model picker); the id when absent. */
  display_name?: string;
}

/** A routing case checked by `switchboard check`. */
export interface RoutingTest {
  /** The model a client asks for. */
  model: string;
  /** The expected first target `provider/model`, or `refused` when no rule and no default should match. */
  expect: string;
}

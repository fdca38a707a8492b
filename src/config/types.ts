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
   * Milliseconds a client may take to send its whole request before it gets 408.
   * @minimum 1000
   * @default 30000
   * @asType integer
   */
  request_timeout_ms?: number;
  /**
   * Milliseconds SIGTERM waits for in-flight requests and streams before exiting.
   * @minimum 0
   * @default 30000
   * @asType integer
   */
  drain_timeout_ms?: number;
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
   * @default 128
   * @asType integer
   */
  max_connections?: number;
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
   * Time from sending the request to the response headers (and, for streams, the first event).
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
   * A disabled key is refused with 403.
   * @default false
   */
  disabled?: boolean;
  /** Per-key limits, counted per gateway instance. */
  limits?: KeyLimits;
  /** Free text for reviewers: who holds the key. */
  description?: string;
  /** `admin` marks an operator's key: it gets into the gateway's admin surfaces, such as the web console at `/ui`. Without a role a key is a client key, and those surfaces refuse it. */
  role?: 'admin';
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
  /** Free text for reviewers. */
  description?: string;
}

/** A routing case checked by `switchboard check`. */
export interface RoutingTest {
  /** The model a client asks for. */
  model: string;
  /** The expected first target `provider/model`, or `refused` when no rule and no default should match. */
  expect: string;
}

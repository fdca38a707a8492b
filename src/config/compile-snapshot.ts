import path from 'node:path';
import { defaultPrices } from '../spend/default-prices.js';
import { freeProviderEntry, PriceTable, priceEntries } from '../spend/price-table.js';
import { budgetOf, compileProfile, type ProfileLines } from './compile-profile.js';
import type { ConfigVersion } from './config-version.js';
import { positionOf, type PositionedDocument } from './yaml-positions.js';
import { deepFreeze } from './deep-freeze.js';
import { envReferences, resolveEnvReferences } from './env-references.js';
import { createSecretRedactor, type SecretRedactor } from './secret-redactor.js';
import type { ConfigSnapshot, CompiledProfile, ResolvedKey, ResolvedLimits, ResolvedOtel, ResolvedProvider, ResolvedServer, ResolvedTraces, ResolvedUi } from './snapshot.js';
import type { GatewayFile, KeySettings, LimitStoreSettings, OtelSettings, PricingSettings, ProfileFile, ProviderSettings, ServerSettings, TraceSettings, UiSettings } from './types.js';

/** The line of each key's entry in gateway.yaml. */
export function keyLines(positioned: PositionedDocument, gateway: GatewayFile): Record<string, number> {
  return Object.fromEntries(Object.keys(gateway.keys).map((name) => [name, positionOf(positioned, ['keys', name], 'key').line]));
}

/** The validated input of one load. */
export interface SnapshotInput {
  /** Absolute config folder as given (not its real path: trace folders must survive a symlink swap). */
  dir: string;
  gateway: GatewayFile;
  /** Profiles by name, with the file each came from (relative to `dir`) and, when parsed from YAML, the lines of its rules. */
  profiles: ReadonlyMap<string, { file: string; profile: ProfileFile; lines?: ProfileLines }>;
  /** The line of each key's entry in gateway.yaml, so the console can link to it. */
  keyLines?: Readonly<Record<string, number>>;
  env: NodeJS.ProcessEnv;
  version: ConfigVersion;
}

const mebibyte = 1024 * 1024;

/**
 * Builds the deep-frozen snapshot from files that passed every check:
 * defaults applied, units converted, regexes compiled, `${ENV}` resolved.
 */
export function compileSnapshot(input: SnapshotInput): ConfigSnapshot {
  const { dir, gateway, env, version } = input;
  const profiles = new Map<string, CompiledProfile>();
  const sources = new Map<string, ProfileFile>();
  for (const [name, { file, profile, lines }] of input.profiles) {
    profiles.set(name, compileProfile(name, path.join(dir, file), profile, lines));
    sources.set(name, profile);
  }
  const redactSecrets = createSecretRedactor(Object.values(gateway.providers).flatMap((settings) => providerCredentials(settings, env)));
  const providers = new Map(Object.entries(gateway.providers).map(([name, settings]) => [name, resolveProvider(name, settings, env, redactSecrets)] as const));
  const keys = Object.entries(gateway.keys).map(([name, settings]) => resolveKey(name, settings, input.keyLines?.[name]));
  const otel = gateway.otel && resolveOtel(gateway.otel, env);
  const snapshot: ConfigSnapshot = {
    version: version.version,
    contentHash: version.contentHash,
    ...(version.commit !== undefined && { commit: version.commit }),
    loadedAt: new Date().toISOString(),
    dir,
    server: resolveServer(gateway.server ?? {}),
    providers,
    profiles,
    keysBySha256: new Map(keys.map((key) => [key.sha256, key])),
    keysByName: new Map(keys.map((key) => [key.name, key])),
    traces: resolveTraces(gateway.traces ?? {}, dir),
    prices: compilePrices(gateway.pricing, gateway.providers),
    limits: resolveLimits(gateway.limits ?? {}, env),
    ui: resolveUi(gateway.ui ?? {}),
    ...(otel && { otel }),
    source: { gateway, profiles: sources },
  };
  return deepFreeze(snapshot);
}

function resolveServer(server: ServerSettings): ResolvedServer {
  return {
    host: server.host ?? '127.0.0.1',
    port: server.port ?? 8090,
    bodyLimitBytes: Math.floor((server.body_limit_mb ?? 32) * mebibyte),
    upstreamBodyLimitBytes: Math.floor((server.upstream_body_limit_mb ?? 32) * mebibyte),
    requestTimeoutMs: server.request_timeout_ms ?? 30_000,
    sendTimeoutMs: server.send_timeout_ms ?? 60_000,
    keepAliveTimeoutMs: server.keep_alive_timeout_ms ?? 75_000,
    drainTimeoutMs: server.drain_timeout_ms ?? 30_000,
    websocket: server.websocket ?? true,
    ...(server.admin && { admin: { host: server.admin.host ?? '127.0.0.1', port: server.admin.port } }),
  };
}

/** Every value sent upstream that came from the environment: the api key, and each `${ENV}` header value and the variables in it. */
function providerCredentials(settings: ProviderSettings, env: NodeJS.ProcessEnv): string[] {
  const references = [settings.api_key, ...Object.values(settings.headers ?? {})].filter((value) => value !== undefined && envReferences(value).length > 0) as string[];
  return references.flatMap((value) => [resolveEnvReferences(value, env), ...envReferences(value).map((name) => env[name])]).filter((value): value is string => value !== undefined && value !== '');
}

function resolveHeaders(configured: { [name: string]: string } | undefined, env: NodeJS.ProcessEnv): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [header, value] of Object.entries(configured ?? {})) {
    // A header whose variable is unset is left out rather than sent empty; `check` has warned about it.
    const resolved = resolveEnvReferences(value, env);
    if (resolved !== undefined) headers[header] = resolved;
  }
  return headers;
}

function resolveProvider(name: string, settings: ProviderSettings, env: NodeJS.ProcessEnv, redactSecrets: SecretRedactor): ResolvedProvider {
  const headers = resolveHeaders(settings.headers, env);
  const apiKeyEnv = settings.api_key === undefined ? undefined : envReferences(settings.api_key)[0];
  const apiKey = settings.api_key === undefined ? undefined : resolveEnvReferences(settings.api_key, env);
  return {
    name,
    format: settings.format,
    ...baseUrlParts(settings),
    ...(apiKey !== undefined && { apiKey }),
    ...(apiKeyEnv !== undefined && { apiKeyEnv }),
    headers,
    timeouts: {
      connectMs: settings.timeouts?.connect_ms ?? 10_000,
      queueMs: settings.timeouts?.queue_ms ?? 10_000,
      firstByteMs: settings.timeouts?.first_byte_ms ?? 120_000,
      idleMs: settings.timeouts?.idle_ms ?? 300_000,
    },
    retry: { maxRetries: settings.retry?.max_retries ?? 1, backoffMs: settings.retry?.backoff_ms ?? 250 },
    maxConnections: settings.max_connections ?? 512,
    maxPending: settings.max_pending ?? 256,
    ...(settings.max_output_tokens === undefined ? {} : { maxOutputTokens: settings.max_output_tokens }),
    maxTokensField: settings.max_tokens_field ?? 'max_tokens',
    sendsPromptCacheKey: settings.prompt_cache_key ?? true,
    redactSecrets,
  };
}

/**
 * `base_url` split into the URL the pool connects to and its query, which goes on every request: Azure
 * OpenAI needs `?api-version=...` on each call.
 */
function baseUrlParts(settings: ProviderSettings): { baseUrl: string; baseQuery: string } {
  if (settings.format === 'mock' || settings.base_url === undefined) return { baseUrl: '', baseQuery: '' };
  const url = new URL(settings.base_url);
  const baseQuery = url.search;
  url.search = '';
  url.hash = '';
  return { baseUrl: url.toString().replace(/\/+$/, ''), baseQuery };
}

function resolveKey(name: string, settings: KeySettings, line: number | undefined): ResolvedKey {
  return {
    name,
    sha256: settings.sha256,
    profile: settings.profile,
    allowedProfiles: [...new Set([settings.profile, ...(settings.profiles ?? [])])],
    role: settings.role ?? 'client',
    disabled: settings.disabled ?? false,
    limits: { ...settings.limits },
    ...budgetOf(settings),
    ...(line !== undefined && { line }),
  };
}

/** `pricing.models` first (they override), then free mock providers, then the built-in table. */
export function compilePrices(pricing: PricingSettings | undefined, providers: GatewayFile['providers']): PriceTable {
  const mocks = Object.entries(providers).filter(([, provider]) => provider.format === 'mock').map(([name]) => freeProviderEntry(name));
  return new PriceTable([...priceEntries(pricing?.models ?? [], 'config', pricing?.usd_per_unit ?? 1), ...mocks, ...priceEntries(defaultPrices, 'built-in')]);
}

function resolveLimits(limits: LimitStoreSettings, env: NodeJS.ProcessEnv): ResolvedLimits {
  const written = limits.store ?? 'memory';
  return {
    store: resolveEnvReferences(written, env) ?? written,
    storeDisplay: written,
    onStoreError: limits.on_store_error ?? 'allow',
    storeTimeoutMs: limits.store_timeout_ms ?? 250,
    leaseTtlMs: limits.lease_ttl_ms ?? 30_000,
    timeZone: limits.time_zone ?? 'UTC',
    keyPrefix: limits.key_prefix ?? 'switchboard',
  };
}

function resolveUi(ui: UiSettings): ResolvedUi {
  return {
    enabled: ui.enabled ?? false,
    sessionMs: (ui.session_minutes ?? 720) * 60_000,
    indexMaxRequests: ui.index_max_requests ?? 1_000_000,
    ...(ui.source_link !== undefined && { sourceLink: ui.source_link }),
  };
}

function resolveOtel(otel: OtelSettings, env: NodeJS.ProcessEnv): ResolvedOtel {
  return {
    tracesUrl: `${otel.endpoint.replace(/\/+$/, '')}/v1/traces`,
    headers: resolveHeaders(otel.headers, env),
    captureContent: otel.capture_content ?? false,
    serviceName: otel.service_name ?? 'switchboard',
    maxQueueSize: otel.max_queue_size ?? 4096,
  };
}

function resolveTraces(traces: TraceSettings, dir: string): ResolvedTraces {
  const tracesDir = path.resolve(dir, traces.dir ?? 'traces');
  return {
    enabled: traces.enabled ?? true,
    dir: tracesDir,
    root: path.isAbsolute(traces.dir ?? 'traces') ? tracesDir : dir,
    capture: traces.capture ?? 'full',
    maxBodyBytes: (traces.max_body_kb ?? 1024) * 1024,
    maxFileBytes: Math.floor((traces.max_file_mb ?? 100) * mebibyte),
    rotateEvery: traces.rotate_every ?? 'daily',
    maxFiles: traces.max_files ?? 30,
    maxAgeDays: traces.max_age_days ?? 30,
    gzip: traces.gzip ?? false,
  };
}

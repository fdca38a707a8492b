import path from 'node:path';
import { compileProfile } from './compile-profile.js';
import type { ConfigVersion } from './config-version.js';
import { deepFreeze } from './deep-freeze.js';
import { envReferences, resolveEnvReferences } from './env-references.js';
import type { ConfigSnapshot, CompiledProfile, ResolvedKey, ResolvedOtel, ResolvedProvider, ResolvedServer, ResolvedTraces, ResolvedUi } from './snapshot.js';
import type { GatewayFile, KeySettings, OtelSettings, ProfileFile, ProviderSettings, ServerSettings, TraceSettings, UiSettings } from './types.js';
import { positionOf, type PositionedDocument } from './yaml-positions.js';

/** The validated input of one load. */
export interface SnapshotInput {
  /** Absolute config folder as given (not its real path: trace folders must survive a symlink swap). */
  dir: string;
  gateway: GatewayFile;
  /** Profiles by name, with the file each came from (relative to `dir`) and, when parsed from YAML, its positions. */
  profiles: ReadonlyMap<string, { file: string; profile: ProfileFile; positioned?: PositionedDocument }>;
  /** gateway.yaml's positions, so keys remember their line. */
  gatewayPositioned?: PositionedDocument;
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
  for (const [name, { file, profile, positioned }] of input.profiles) {
    profiles.set(name, compileProfile(name, path.join(dir, file), profile, positioned));
    sources.set(name, profile);
  }
  const providers = new Map(Object.entries(gateway.providers).map(([name, settings]) => [name, resolveProvider(name, settings, env)] as const));
  const keys = Object.entries(gateway.keys).map(([name, settings]) => resolveKey(name, settings, input.gatewayPositioned && positionOf(input.gatewayPositioned, ['keys', name], 'key').line));
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
    requestTimeoutMs: server.request_timeout_ms ?? 30_000,
    drainTimeoutMs: server.drain_timeout_ms ?? 30_000,
  };
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

function resolveProvider(name: string, settings: ProviderSettings, env: NodeJS.ProcessEnv): ResolvedProvider {
  const headers = resolveHeaders(settings.headers, env);
  const apiKeyEnv = settings.api_key === undefined ? undefined : envReferences(settings.api_key)[0];
  const apiKey = settings.api_key === undefined ? undefined : resolveEnvReferences(settings.api_key, env);
  return {
    name,
    format: settings.format,
    baseUrl: settings.format === 'mock' ? '' : (settings.base_url ?? '').replace(/\/+$/, ''),
    ...(apiKey !== undefined && { apiKey }),
    ...(apiKeyEnv !== undefined && { apiKeyEnv }),
    headers,
    timeouts: {
      connectMs: settings.timeouts?.connect_ms ?? 10_000,
      firstByteMs: settings.timeouts?.first_byte_ms ?? 120_000,
      idleMs: settings.timeouts?.idle_ms ?? 300_000,
    },
    retry: { maxRetries: settings.retry?.max_retries ?? 1, backoffMs: settings.retry?.backoff_ms ?? 250 },
    maxConnections: settings.max_connections ?? 128,
    ...(settings.max_output_tokens === undefined ? {} : { maxOutputTokens: settings.max_output_tokens }),
    maxTokensField: settings.max_tokens_field ?? 'max_tokens',
  };
}

function resolveKey(name: string, settings: KeySettings, line: number | undefined): ResolvedKey {
  return {
    name,
    sha256: settings.sha256,
    profile: settings.profile,
    allowedProfiles: [...new Set([settings.profile, ...(settings.profiles ?? [])])],
    disabled: settings.disabled ?? false,
    limits: { ...settings.limits },
    ...(settings.role !== undefined && { role: settings.role }),
    ...(line !== undefined && { line }),
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
  return {
    enabled: traces.enabled ?? true,
    dir: path.resolve(dir, traces.dir ?? 'traces'),
    capture: traces.capture ?? 'full',
    maxBodyBytes: (traces.max_body_kb ?? 1024) * 1024,
    maxFileBytes: Math.floor((traces.max_file_mb ?? 100) * mebibyte),
    rotateEvery: traces.rotate_every ?? 'daily',
    maxFiles: traces.max_files ?? 30,
    maxAgeDays: traces.max_age_days ?? 30,
    gzip: traces.gzip ?? false,
  };
}

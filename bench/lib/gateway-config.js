// @ts-check
/**
 * The gateway config the benchmark serves: two providers on the fake
 * (Anthropic Messages and Chat Completions), one key, one profile whose
 * rules pick passthrough or translation by model name.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';

export const benchSecret = 'sb-bench-0123456789abcdef0123456789abcdef';
/** An admin key, for the console's live stream in the observability phase. */
export const benchAdminSecret = 'sb-bench-admin-0123456789abcdef0123456789';
/** The client model names and the upstream models their rules route to. */
export const models = {
  passthrough: 'bench-passthrough',
  translated: 'bench-translated',
  anthropicUpstream: 'claude-bench-upstream',
  chatUpstream: 'chat-bench-upstream',
};
/** The fake provider's credential, passed to the gateway through its environment as a real one would be. */
export const providerKeyEnv = { SWITCHBOARD_BENCH_PROVIDER_KEY: 'fake-provider-key' };

/**
 * Writes gateway.yaml and profiles/bench.yaml into `dir`.
 * @param {string} dir
 * @param {{ fakeUrl: string, traces: false | { dir: string }, maxConnections?: number, limits?: { store: string }, observability?: { otelEndpoint?: string } }} options
 *   `maxConnections`: the providers' pool size (the gateway's default when omitted);
 *   `limits`: give the key limits and a budget that never run out, counted in this store, so every
 *   request pays the admission and settlement the limits phase measures;
 *   `observability`: the web console on, and OpenTelemetry export to `otelEndpoint` when given.
 */
export async function writeGatewayConfig(dir, options) {
  const retry = { max_retries: 0 };
  const pool = options.maxConnections === undefined ? {} : { max_connections: options.maxConnections };
  const gateway = {
    server: { host: '127.0.0.1', port: 0 },
    providers: {
      'fake-anthropic': { format: 'anthropic', base_url: options.fakeUrl, api_key: '${SWITCHBOARD_BENCH_PROVIDER_KEY}', retry, ...pool },
      'fake-chat': { format: 'openai-chat', base_url: `${options.fakeUrl}/v1`, api_key: '${SWITCHBOARD_BENCH_PROVIDER_KEY}', retry, ...pool },
    },
    keys: {
      bench: {
        sha256: createHash('sha256').update(benchSecret).digest('hex'),
        profile: 'bench',
        ...(options.limits ? { limits: { max_concurrent: 10_000, requests_per_minute: 10_000_000 }, budget: { tokens_per_day: 1_000_000_000_000 } } : {}),
      },
      ...(options.observability && { admin: { sha256: createHash('sha256').update(benchAdminSecret).digest('hex'), profile: 'bench', role: 'admin' } }),
    },
    ...(options.limits ? { limits: { store: options.limits.store } } : {}),
    traces: options.traces === false ? { enabled: false } : { enabled: true, dir: options.traces.dir, capture: 'full', rotate_every: 'never' },
    ...(options.observability && { ui: { enabled: true } }),
    ...(options.observability?.otelEndpoint !== undefined && { otel: { endpoint: options.observability.otelEndpoint } }),
  };
  const profile = {
    description: 'Benchmark routes: one passthrough, one translated.',
    rules: [
      { model: models.passthrough, to: `fake-anthropic/${models.anthropicUpstream}` },
      { model: models.translated, to: `fake-chat/${models.chatUpstream}` },
    ],
  };
  await mkdir(path.join(dir, 'profiles'), { recursive: true });
  await writeFile(path.join(dir, 'gateway.yaml'), stringify(gateway, { aliasDuplicateObjects: false }));
  await writeFile(path.join(dir, 'profiles', 'bench.yaml'), stringify(profile));
}

import type { FastifyContextConfig, FastifyInstance } from 'fastify';
import type { CompiledProfile } from '../config/snapshot.js';
import type { GatewayState } from './gateway-state.js';

/** Health probes, status and metrics (admin keys only on this listener), Claude Code's connection probe, and the model lists. */
export function registerOpsRoutes(app: FastifyInstance, state: GatewayState): void {
  registerProbeRoutes(app, state);
  registerStatusRoutes(app, state, { authenticated: true, admin: true });

  // Claude Code probes the base URL before its first request.
  for (const url of ['/anthropic/api/hello', '/api/hello']) {
    app.route({ method: ['GET', 'HEAD'], url, handler: async (_request, reply) => reply.code(200).send({ status: 'ok' }) });
  }

  app.get('/anthropic/v1/models', { config: { authenticated: true } }, async (request) => anthropicModelList(request.gateway!.caller!.profile));
  // Anthropic SDKs without the /anthropic prefix also call GET /v1/models; they send anthropic-version.
  app.get('/v1/models', { config: { authenticated: true } }, async (request) => {
    const profile = request.gateway!.caller!.profile;
    return request.headers['anthropic-version'] === undefined ? openaiModelList(profile) : anthropicModelList(profile);
  });
}

/** The model names a profile serves: its exact rules in order, then its default target's model. */
export function servedModels(profile: CompiledProfile): string[] {
  const names = new Set<string>();
  for (const rule of profile.rules) if (rule.kind === 'exact') names.add(rule.match);
  const fallback = profile.defaultTargets?.[0];
  if (fallback) names.add(fallback.model);
  return [...names];
}

// A gateway does not know when a model was made; the lists need some date, so all share one fixed date.
const listedCreatedAt = '2025-01-01T00:00:00Z';
const listedCreatedEpoch = Date.parse(listedCreatedAt) / 1000;

function anthropicModelList(profile: CompiledProfile): Record<string, unknown> {
  const data = servedModels(profile).map((id) => ({ type: 'model', id, display_name: id, created_at: listedCreatedAt }));
  return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}

function openaiModelList(profile: CompiledProfile): Record<string, unknown> {
  return {
    object: 'list',
    data: servedModels(profile).map((id) => ({ id, object: 'model', created: listedCreatedEpoch, owned_by: `switchboard:${profile.name}` })),
  };
}


/**
 * Liveness and readiness, bare: anyone who can reach the port may ask, so the answers name no
 * version, file or key (the config version is on authenticated answers and in `/status`).
 */
export function registerProbeRoutes(app: FastifyInstance, state: GatewayState): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => (state.draining ? reply.code(503).send({ status: 'draining' }) : { status: 'ready' }));
}

/** `/status` and `/metrics`; `access` says who may read them on this listener. */
export function registerStatusRoutes(app: FastifyInstance, state: GatewayState, access: FastifyContextConfig): void {
  app.get('/status', { config: access }, async () => {
    const snapshot = state.store.current;
    return {
      status: state.draining ? 'draining' : 'serving',
      started_at: state.startedAt,
      in_flight: state.inFlight,
      config: {
        version: snapshot.version,
        commit: snapshot.commit ?? null,
        loaded_at: snapshot.loadedAt,
        dir: snapshot.dir,
        reloads: state.store.reloads,
        reload_failures: state.store.reloadFailures,
        last_reload: state.store.lastReload ?? null,
        last_reload_error: state.store.lastError ?? null,
      },
      providers: Object.fromEntries(
        [...snapshot.providers.values()].map((provider) => [provider.name, { format: provider.format, health: state.health.snapshot()[provider.name]?.state ?? 'up' }]),
      ),
      circuit_breakers: state.health.snapshot(),
      ...state.statusExtras(),
    };
  });

  app.get('/metrics', { config: access }, async (_request, reply) => {
    const text = await state.metrics.registry.metrics();
    return reply.header('content-type', state.metrics.registry.contentType).send(text);
  });
}

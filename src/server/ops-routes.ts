import type { FastifyContextConfig, FastifyInstance } from 'fastify';
import type { GatewayState } from './gateway-state.js';

/** Health probes, status and metrics (admin keys only on this listener), and Claude Code's connection probe. */
export function registerOpsRoutes(app: FastifyInstance, state: GatewayState): void {
  registerProbeRoutes(app, state);
  registerStatusRoutes(app, state, { authenticated: true, admin: true });

  // Claude Code probes the base URL before its first request.
  for (const url of ['/anthropic/api/hello', '/api/hello']) {
    app.route({ method: ['GET', 'HEAD'], url, handler: async (_request, reply) => reply.code(200).send({ status: 'ok' }) });
  }
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
    const poolUsage = state.pool.usage();
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
        [...snapshot.providers.values()].map((provider) => {
          const usage = poolUsage[provider.name] ?? { active: 0, queued: 0 };
          const connections = { ...usage, max: provider.maxConnections, max_pending: provider.maxPending };
          return [provider.name, { format: provider.format, health: state.health.snapshot()[provider.name]?.state ?? 'up', connections }];
        }),
      ),
      circuit_breakers: state.health.snapshot(),
      ...(await state.statusExtras()),
    };
  });

  app.get('/metrics', { config: access }, async (_request, reply) => {
    const text = await state.metrics.registry.metrics();
    return reply.header('content-type', state.metrics.registry.contentType).send(text);
  });
}

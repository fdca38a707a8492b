import type { FastifyInstance } from 'fastify';
import type { GatewayState } from './gateway-state.js';

/** Health probes, status and Claude Code's connection probe. */
export function registerOpsRoutes(app: FastifyInstance, state: GatewayState): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    if (state.draining) return reply.code(503).send({ status: 'draining' });
    return { status: 'ready', config: state.store.current.version };
  });

  app.get('/status', async () => {
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

  app.get('/metrics', async (_request, reply) => {
    const text = await state.metrics.registry.metrics();
    return reply.header('content-type', state.metrics.registry.contentType).send(text);
  });

  // Claude Code probes the base URL before its first request.
  for (const url of ['/anthropic/api/hello', '/api/hello']) {
    app.route({ method: ['GET', 'HEAD'], url, handler: async (_request, reply) => reply.code(200).send({ status: 'ok' }) });
  }
}

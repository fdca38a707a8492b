import Fastify, { type FastifyInstance } from 'fastify';
import type { GatewayState } from './gateway-state.js';
import { registerProbeRoutes, registerStatusRoutes } from './ops-routes.js';

/**
 * The admin listener (`server.admin`): `/status`, `/metrics` and the probes,
 * answered without a key, and nothing else (no model routes, so a client key
 * is worthless here). Whoever can reach it is trusted: bind it to loopback or
 * a network only operators and Prometheus reach.
 */
export function createAdminServer(state: GatewayState): FastifyInstance {
  const app = Fastify({ logger: false, return503OnClosing: false });
  registerProbeRoutes(app, state);
  registerStatusRoutes(app, state, {});
  return app;
}

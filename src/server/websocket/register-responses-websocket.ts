import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../errors/gateway-error.js';
import type { ClientHeaders } from '../../upstream/upstream-request.js';
import type { GatewayState } from '../gateway-state.js';
import { ResponsesWebSocketConnection } from './responses-websocket-connection.js';

/**
 * The Responses API over WebSocket, as Codex 0.169 speaks it with a provider
 * that sets `supports_websockets = true`: `GET /v1/responses` with an Upgrade
 * header, authenticated like any request before the upgrade (a bad key gets
 * its 401 as an HTTP answer, no socket), then `response.create` frames served
 * by the same pipeline as `POST /v1/responses`.
 *
 * On drain (SIGTERM) idle connections close at once with 1001 and busy ones
 * after their response is complete; the drain deadline closes what is left.
 */
export function registerResponsesWebSocket(app: FastifyInstance, state: GatewayState): void {
  const connections = new Set<ResponsesWebSocketConnection>();
  void app.register(async (scope) => {
    await scope.register(fastifyWebsocket, {
      // A frame larger than the body limit the server started with is refused by ws itself (close code 1009).
      options: { maxPayload: state.store.current.server.bodyLimitBytes },
      preClose(done) {
        for (const connection of connections) connection.drain();
        if (connections.size > 0) {
          const deadline = setTimeout(() => {
            for (const connection of connections) connection.terminate();
          }, state.store.current.server.drainTimeoutMs);
          deadline.unref();
        }
        done();
      },
    });
    scope.route({
      method: 'GET',
      url: '/v1/responses',
      config: { authenticated: true, upgrade: true },
      onRequest: async (request) => {
        // 426 rather than 404: Codex switches to HTTP at once on it, where other refusals cost it a round of retries first.
        if (!request.gateway!.snapshot.server.websocket) {
          throw new GatewayError('SB_WEBSOCKET_DISABLED', 'the Responses WebSocket is turned off on this gateway (server.websocket: false); use POST /v1/responses');
        }
      },
      // Node hands an upgrade request's socket out of HTTP: after a refusal (bad key, draining, turned off)
      // nothing else would ever close it, so it is closed once the answer went out.
      onResponse: async (request) => {
        const socket = request.raw.socket;
        if (request.headers.upgrade !== undefined && !socket.destroyed) socket.end(() => socket.destroy());
      },
      handler: async () => {
        throw new GatewayError('SB_NOT_FOUND', 'GET /v1/responses is the Responses WebSocket: connect with an Upgrade: websocket request, or POST /v1/responses over HTTP');
      },
      wsHandler: (socket, request) => {
        request.gateway!.handled = true;
        const connection = new ResponsesWebSocketConnection(socket, handshakeFree(request.headers), state, () => connections.delete(connection));
        connections.add(connection);
      },
    });
  });
}

/**
 * The upgrade request's headers as each frame's request carries them: without
 * the handshake's own (they describe this hop) and without Codex's
 * `responses_websockets` beta flag, which means nothing on the HTTP request
 * sent upstream.
 */
function handshakeFree(headers: ClientHeaders): ClientHeaders {
  const kept: ClientHeaders = {};
  for (const name in headers) {
    if (name === 'upgrade' || name === 'connection' || name.startsWith('sec-websocket-')) continue;
    kept[name] = headers[name];
  }
  const beta = kept['openai-beta'];
  if (typeof beta === 'string') {
    const rest = beta
      .split(',')
      .map((flag) => flag.trim())
      .filter((flag) => flag !== '' && !flag.startsWith('responses_websockets='));
    if (rest.length > 0) kept['openai-beta'] = rest.join(', ');
    else delete kept['openai-beta'];
  }
  return kept;
}

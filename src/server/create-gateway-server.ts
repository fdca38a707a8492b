import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { WireFormat } from '../canonical/types.js';
import type { ConfigSnapshot } from '../config/snapshot.js';
import { GatewayError, toGatewayError } from '../errors/gateway-error.js';
import { getCodec } from '../formats/index.js';
import { emptyOutcome } from '../pipeline/model-request.js';
import { authenticate, type Caller } from './authenticate.js';
import type { GatewayState } from './gateway-state.js';
import { inboundFormatOfPath } from './inbound.js';
import { registerModelRoutes } from './model-routes.js';
import { registerOpsRoutes } from './ops-routes.js';

/** Per-request facts set before the body is read. */
export interface RequestContext {
  id: string;
  startedAt: number;
  startedAtIso: string;
  snapshot: ConfigSnapshot;
  format: WireFormat;
  caller?: Caller;
  /** Set once the handler took the request over; from then on it records the request itself. */
  handled?: boolean;
  model?: string;
  stream?: boolean;
  /** Set once the body parsed as JSON. */
  parsed?: boolean;
  maxTokens?: number;
  session?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    gateway: RequestContext | null;
  }
  interface FastifyContextConfig {
    /** Set on routes that need an API key; the value is the wire format errors are written in. */
    authenticated?: boolean;
  }
}


/** Builds the gateway's HTTP server: authentication before any body is read, one route per inbound API, errors in the caller's format. */
export function createGatewayServer(state: GatewayState): FastifyInstance {
  const requestTimeout = state.store.current.server.requestTimeoutMs;
  // Fastify stops reading a body past this limit, even one sent without content-length. A reload can
  // lower the limit (checked below against content-length and the body read); raising it past the
  // limit the server started with takes a restart.
  const startupBodyLimit = state.store.current.server.bodyLimitBytes;
  const app = Fastify({
    logger: false,
    bodyLimit: startupBodyLimit,
    routerOptions: { ignoreTrailingSlash: true },
    return503OnClosing: false,
    genReqId: () => randomUUID(),
    // Node checks request timeouts only every connectionsCheckingInterval (30 s by default), which
    // would let a slowloris client hold a connection for 30 s past its deadline.
    serverFactory: (handler) =>
      createServer({ requestTimeout, headersTimeout: Math.min(requestTimeout, 60_000), connectionsCheckingInterval: Math.min(1000, requestTimeout) }, handler),
  });
  app.decorateRequest('gateway', null);

  app.removeAllContentTypeParsers();
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const limit = request.gateway?.snapshot.server.bodyLimitBytes ?? startupBodyLimit;
    if (body.length > limit) return done(tooLarge(limit), undefined);
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      return done(new GatewayError('SB_REQUEST_INVALID_JSON', 'the request body is not valid UTF-8'), undefined);
    }
    done(null, text);
  });

  app.addHook('onRequest', async (request, reply) => {
    if (!request.routeOptions.config.authenticated) return;
    const snapshot = state.store.current;
    const context: RequestContext = {
      id: request.id,
      startedAt: performance.now(),
      startedAtIso: new Date().toISOString(),
      snapshot,
      format: inboundFormatOfPath(request.url),
    };
    request.gateway = context;
    if (state.draining) throw new GatewayError('SB_GATEWAY_DRAINING', 'the gateway is shutting down; retry on another instance');
    // Refused before the body is read: a flood of bad keys costs a hash each, no parsing, no upstream call.
    context.caller = authenticate(snapshot, request.headers);
    const release = state.limiter.admit(context.caller.key);
    reply.raw.once('close', release);
    const declared = Number(request.headers['content-length']);
    if (declared > snapshot.server.bodyLimitBytes) throw tooLarge(snapshot.server.bodyLimitBytes);
  });

  app.setErrorHandler((thrown, request, reply) => sendRefusal(state, request, reply, fromFastifyError(thrown)));
  app.setNotFoundHandler((request, reply) => {
    sendRefusal(state, request, reply, new GatewayError('SB_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]} on this gateway`));
  });

  registerModelRoutes(app, state);
  registerOpsRoutes(app, state);
  return app;
}

/** Answers an error before the pipeline took over (bad key, bad body, no route...) and records it. */
export function sendRefusal(state: GatewayState, request: FastifyRequest, reply: FastifyReply, error: GatewayError): void {
  const context = request.gateway;
  const format = context?.format ?? inboundFormatOfPath(request.url);
  reply
    .code(error.status)
    .header('x-switchboard-error-source', 'gateway')
    .header('x-switchboard-error-code', error.code)
    .header('x-switchboard-config', (context?.snapshot ?? state.store.current).version);
  if (context) reply.header('x-switchboard-request-id', context.id);
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(Math.ceil(error.retryAfterSeconds)));
  // HEAD and the like get the status alone.
  void reply.send(request.method === 'HEAD' ? undefined : getCodec(format).encodeError(error));
  if (context && !context.handled) {
    const outcome = emptyOutcome();
    outcome.status = error.status;
    outcome.error = { type: error.type, code: error.code, message: error.message };
    state.recordRequest({
      id: context.id,
      startedAtIso: context.startedAtIso,
      durationMs: performance.now() - context.startedAt,
      ttftMs: null,
      configVersion: context.snapshot.version,
      keyName: context.caller?.key.name ?? null,
      profile: context.caller?.profile.name ?? null,
      route: null,
      inbound: { format, path: request.url.split('?')[0]! },
      headers: request.headers,
      model: context.model ?? null,
      stream: context.stream ?? false,
      maxTokens: context.maxTokens ?? null,
      session: context.session ?? null,
      rawBody: context.parsed ? (request.body as string) : undefined,
      canonical: undefined,
      outcome,
    });
  }
}

function tooLarge(limit: number): GatewayError {
  return new GatewayError('SB_REQUEST_TOO_LARGE', `the request body is larger than the gateway's limit of ${Math.round(limit / 1024 / 1024)} MiB (server.body_limit_mb)`);
}

/** Fastify's own errors (body parsing, content type, timeouts) in the gateway's vocabulary. */
function fromFastifyError(thrown: unknown): GatewayError {
  if (thrown instanceof GatewayError) return thrown;
  const code = typeof thrown === 'object' && thrown !== null && 'code' in thrown ? String((thrown as { code: unknown }).code) : '';
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new GatewayError('SB_REQUEST_TOO_LARGE', message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new GatewayError('SB_REQUEST_UNSUPPORTED_MEDIA_TYPE', 'send the request body as JSON with Content-Type: application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new GatewayError('SB_REQUEST_INVALID_JSON', 'the request body is empty');
    case 'FST_ERR_REQ_TIMEOUT':
      return new GatewayError('SB_REQUEST_TIMEOUT', 'the request body took too long to arrive');
    default:
      return toGatewayError(thrown);
  }
}

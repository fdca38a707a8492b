import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { WireFormat } from '../canonical/types.js';
import type { ConfigSnapshot } from '../config/snapshot.js';
import type { RequestKind } from '../traces/client-identity.js';
import { GatewayError, toGatewayError } from '../errors/gateway-error.js';
import { getCodec } from '../formats/index.js';
import type { AdmissionTicket } from '../limits/admission.js';
import { needsAdmission } from '../limits/admission-plan.js';
import { authenticate, type Caller } from './authenticate.js';
import { createClientErrorHandler, type OpenRequest } from './client-errors.js';
import type { GatewayState } from './gateway-state.js';
import { inboundFormatOf, opsFormatOfHeaders } from './inbound.js';
import { registerModelListRoutes } from './model-list-routes.js';
import { registerModelRoutes } from './model-routes.js';
import { registerOpsRoutes } from './ops-routes.js';
import { recordRefusal } from './serve-model-request.js';
import { registerResponsesWebSocket } from './websocket/register-responses-websocket.js';

/** Per-request facts set before the body is read. */
export interface RequestContext extends OpenRequest {
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
  /** Who sent it within the session and why, once the body parsed (see identifyClient). */
  agent?: string;
  parentAgent?: string;
  kind?: RequestKind;
  /** Set on the Responses WebSocket upgrade, so a refused upgrade's trace line says so. */
  transport?: 'websocket';
  /** Set when a limit or budget applies to the caller: settled once when the request ends. */
  admission?: AdmissionTicket;
}

declare module 'fastify' {
  interface FastifyRequest {
    gateway: RequestContext | null;
  }
  interface FastifyContextConfig {
    /** Set on routes that need an API key; the value is the wire format errors are written in. */
    authenticated?: boolean;
    /** Set on the WebSocket upgrade route: the connection is not a request, each of its frames is admitted by the limiter on its own. */
    upgrade?: boolean;
    /** Set on routes only admin keys (`role: admin`) may use: `/status` and `/metrics` on the main listener. */
    admin?: boolean;
  }
}


/** Builds the gateway's HTTP server: authentication before any body is read, one route per inbound API, errors in the caller's format. */
export function createGatewayServer(state: GatewayState): FastifyInstance {
  const { requestTimeoutMs: requestTimeout, keepAliveTimeoutMs } = state.store.current.server;
  // Fastify stops reading a body past this limit, even one sent without content-length. A reload can
  // lower the limit (checked below against content-length and the body read); raising it past the
  // limit the server started with takes a restart.
  const startupBodyLimit = state.store.current.server.bodyLimitBytes;
  // The request being read on each connection, for errors Node reports on the connection (see client-errors.ts).
  const openRequests = new WeakMap<Socket, OpenRequest>();
  const app = Fastify({
    logger: false,
    bodyLimit: startupBodyLimit,
    routerOptions: { ignoreTrailingSlash: true },
    return503OnClosing: false,
    genReqId: () => randomUUID(),
    // Node checks request timeouts only every connectionsCheckingInterval (30 s by default), which
    // would let a slowloris client hold a connection for 30 s past its deadline.
    clientErrorHandler: createClientErrorHandler(openRequests),
    serverFactory: (handler) => {
      // headersTimeout must not exceed requestTimeout (Node refuses). Both start at a request's first
      // byte, not while a kept-alive connection idles (measured on Node 20), so they need no margin
      // over keepAliveTimeout, unlike the Node < 18 advice for load balancers.
      const server = createServer({ requestTimeout, headersTimeout: Math.min(requestTimeout, 60_000), connectionsCheckingInterval: Math.min(1000, requestTimeout) }, handler);
      // A server made by hand keeps Node's 5 s, not Fastify's 72 s: shorter than a load balancer's
      // idle timeout (60 s on AWS ALB), so the balancer reused connections the gateway was closing (502s).
      server.keepAliveTimeout = keepAliveTimeoutMs;
      return server;
    },
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
    const access = request.routeOptions.config;
    if (!access.authenticated) return;
    const snapshot = state.store.current;
    const context: RequestContext = {
      id: request.id,
      startedAt: performance.now(),
      startedAtIso: new Date().toISOString(),
      snapshot,
      format: access.admin ? opsFormatOfHeaders(request.headers) : inboundFormatOf(request.url, request.headers),
    };
    request.gateway = context;
    const socket = request.raw.socket;
    openRequests.set(socket, context);
    reply.raw.once('close', () => openRequests.delete(socket));
    const upgrade = access.upgrade === true;
    if (upgrade) context.transport = 'websocket';
    // /status and /metrics stay readable while draining: that is when operators look.
    if (state.draining && !access.admin) throw new GatewayError('SB_GATEWAY_DRAINING', 'the gateway is shutting down; retry on another instance');
    // Refused before the body is read: a flood of bad keys costs a hash each, no parsing, no upstream call.
    context.caller = authenticate(snapshot, request.headers);
    if (access.admin) {
      // Operations reads are not client traffic: no limits counted, and only admin keys.
      if (context.caller.key.role !== 'admin') throw new GatewayError('SB_AUTH_NOT_ADMIN', `API key "${context.caller.key.name}" may not read ${request.url.split('?')[0]}: that takes role: admin in gateway.yaml`);
      return;
    }
    // A WebSocket connection is admitted frame by frame (responses-websocket-connection.ts), not as one request.
    if (upgrade) return;
    const { key, profile } = context.caller;
    if (needsAdmission(key, profile)) {
      const ticket = await state.admission.admit(context.id, key, profile, snapshot.limits);
      context.admission = ticket;
      // A model request settles its ticket with its cost once it is recorded; anything else (refusals, model lists) here.
      reply.raw.once('close', () => {
        if (!context.handled) ticket.settle(null, null);
      });
    }
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared)) context.declaredLength = declared;
    if (declared > snapshot.server.bodyLimitBytes) throw tooLarge(snapshot.server.bodyLimitBytes);
  });

  app.setErrorHandler((thrown, request, reply) => sendRefusal(state, request, reply, refusalOf(thrown, request)));
  app.setNotFoundHandler((request, reply) => {
    sendRefusal(state, request, reply, new GatewayError('SB_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]} on this gateway`));
  });

  registerModelRoutes(app, state);
  registerModelListRoutes(app);
  registerResponsesWebSocket(app, state);
  registerOpsRoutes(app, state);
  return app;
}

/**
 * Refusals of a secret that matched a key (disabled, or asking for a profile it may not use): a known
 * key's refusals are traced like its requests. Only callers with no known key are sampled, so a flood of
 * made-up keys cannot rotate real traffic out of the trace files.
 */
const refusesKnownKey: ReadonlySet<string> = new Set(['SB_AUTH_KEY_DISABLED', 'SB_AUTH_PROFILE_FORBIDDEN', 'SB_ROUTE_UNKNOWN_PROFILE']);

/** Answers an error before the pipeline took over (bad key, bad body, no route...) and records it. */
export function sendRefusal(state: GatewayState, request: FastifyRequest, reply: FastifyReply, error: GatewayError): void {
  const context = request.gateway;
  const format = context?.format ?? inboundFormatOf(request.url, request.headers);
  reply.code(error.status).header('x-switchboard-error-source', 'gateway').header('x-switchboard-error-code', error.code);
  // The config version is for callers the gateway knows; anyone else learns nothing about it.
  if (context?.caller) reply.header('x-switchboard-config', context.snapshot.version);
  if (context) reply.header('x-switchboard-request-id', context.id);
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(Math.ceil(error.retryAfterSeconds)));
  // A 429 that waiting a few seconds cannot fix (a used-up budget): the Anthropic and OpenAI SDKs, and
  // Claude Code through them, honour this header and show the message instead of retrying for minutes.
  if (error.status === 429 && !error.retryable) reply.header('x-should-retry', 'false');
  // HEAD and the like get the status alone.
  void reply.send(request.method === 'HEAD' ? undefined : getCodec(format).encodeError(error));
  state.metrics.recordRefusal(error.code);
  if (context && !context.handled) {
    recordRefusal(
      state,
      {
        id: context.id,
        startedAt: context.startedAt,
        startedAtIso: context.startedAtIso,
        configVersion: context.snapshot.version,
        keyName: context.caller?.key.name ?? null,
        profile: context.caller?.profile.name ?? null,
        inbound: { format, path: request.url.split('?')[0]!, ...(context.transport ? { transport: context.transport } : {}) },
        headers: request.headers,
        model: context.model ?? null,
        stream: context.stream ?? false,
        maxTokens: context.maxTokens ?? null,
        session: context.session ?? null,
        ...(context.agent === undefined ? {} : { agent: context.agent }),
        ...(context.parentAgent === undefined ? {} : { parentAgent: context.parentAgent }),
        ...(context.kind === undefined ? {} : { kind: context.kind }),
        rawBody: context.parsed ? (request.body as string) : undefined,
      },
      error,
      { sampled: context.caller === undefined && !refusesKnownKey.has(error.code) },
    );
  }
}

function tooLarge(limit: number): GatewayError {
  return new GatewayError('SB_REQUEST_TOO_LARGE', `the request body is larger than the gateway's limit of ${Math.round(limit / 1024 / 1024)} MiB (server.body_limit_mb)`);
}

/** What to answer (and trace) for an error thrown while a request was being read or refused. */
function refusalOf(thrown: unknown, request: FastifyRequest): GatewayError {
  // Node already answered on the connection (a body cut short, a timeout); the body reader's "aborted" is its echo.
  const clientError = request.gateway?.clientError;
  if (clientError) return clientError;
  if (!(thrown instanceof GatewayError) && request.raw.socket.destroyed) {
    return new GatewayError('SB_CLIENT_ABORTED', 'the client reset the connection before the request body was complete');
  }
  return fromFastifyError(thrown);
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

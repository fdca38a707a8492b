import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WireFormat } from '../canonical/types.js';
import { GatewayError } from '../errors/gateway-error.js';
import { ClientResponse } from '../pipeline/client-response.js';
import { countTokens } from '../pipeline/count-tokens.js';
import { handleModelRequest } from '../pipeline/handle-model-request.js';
import type { ModelRequest } from '../pipeline/model-request.js';
import { resolveRoute } from '../routing/resolve-route.js';
import { requestedMaxTokens } from '../traces/requested-max-tokens.js';
import { extractSessionId } from '../traces/session-id.js';
import type { RequestContext } from './create-gateway-server.js';
import type { GatewayState } from './gateway-state.js';

const modelPaths: Array<[string, WireFormat]> = [
  ['/anthropic/v1/messages', 'anthropic'],
  // Anthropic clients configured with the gateway root as base URL.
  ['/v1/messages', 'anthropic'],
  ['/v1/chat/completions', 'openai-chat'],
  ['/v1/responses', 'openai-responses'],
];

/** The three inbound APIs, and Anthropic's count_tokens. */
export function registerModelRoutes(app: FastifyInstance, state: GatewayState): void {
  for (const [url, format] of modelPaths) {
    app.post(url, { config: { authenticated: true } }, (request, reply) => serveModelRequest(state, request, reply, format));
  }
  for (const url of ['/anthropic/v1/messages/count_tokens', '/v1/messages/count_tokens']) {
    app.post(url, { config: { authenticated: true } }, async (request, reply) => {
      const { context, body, route } = routeBody(request);
      const result = await countTokens(context.snapshot, route, body, request.headers, state.pool, reply.raw);
      return reply.code(result.status).header('x-switchboard-config', context.snapshot.version).headers(result.headers).send(result.body);
    });
  }
}

async function serveModelRequest(state: GatewayState, request: FastifyRequest, reply: FastifyReply, format: WireFormat): Promise<void> {
  const context = request.gateway!;
  const modelRequest = modelRequestOf(request, format);
  const caller = context.caller!;
  const { route, clientModel: model } = modelRequest;
  context.handled = true;
  reply.hijack();
  const raw = reply.raw;
  raw.on('close', () => {
    if (!raw.writableFinished) modelRequest.abort.abort();
  });
  const client = new ClientResponse(raw, {
    'x-switchboard-request-id': context.id,
    'x-switchboard-config': context.snapshot.version,
  });
  state.inFlight++;
  if (modelRequest.stream) state.inFlightStreams++;
  try {
    const outcome = await handleModelRequest(modelRequest, client, state);
    state.recordRequest({
      id: context.id,
      startedAtIso: context.startedAtIso,
      durationMs: performance.now() - context.startedAt,
      ttftMs: client.firstByteAt === undefined ? null : client.firstByteAt - context.startedAt,
      configVersion: context.snapshot.version,
      keyName: caller.key.name,
      profile: caller.profile.name,
      route,
      inbound: modelRequest.inbound,
      headers: request.headers,
      model,
      stream: modelRequest.stream,
      maxTokens: context.maxTokens ?? null,
      session: context.session ?? null,
      rawBody: modelRequest.rawBody,
      canonical: modelRequest.canonical,
      outcome,
    });
  } finally {
    state.inFlight--;
    if (modelRequest.stream) state.inFlightStreams--;
  }
}

/**
 * The pipeline's view of a routed request. Built in its own function so the parsed body is
 * referenced only from the ModelRequest, which drops it once passthrough no longer needs it.
 */
function modelRequestOf(request: FastifyRequest, format: WireFormat): ModelRequest {
  const { context, body, route, model } = routeBody(request);
  return {
    id: context.id,
    startedAt: context.startedAt,
    startedAtIso: context.startedAtIso,
    snapshot: context.snapshot,
    key: context.caller!.key,
    profile: context.caller!.profile,
    inbound: { format, path: request.url.split('?')[0]! },
    headers: request.headers,
    rawBody: request.body as string,
    body,
    clientModel: model,
    stream: body.stream === true,
    route,
    abort: new AbortController(),
  };
}

/** Parses the JSON body and resolves the route; a failure here is answered by the error handler. */
function routeBody(request: FastifyRequest): { context: RequestContext; body: Record<string, unknown>; model: string; route: NonNullable<ReturnType<typeof resolveRoute>> } {
  const context = request.gateway!;
  const body = parseBody(request.body);
  context.parsed = true;
  context.session = extractSessionId(request.headers, body);
  context.stream = body.stream === true;
  context.maxTokens = requestedMaxTokens(context.format, body);
  const model = body.model;
  if (typeof model !== 'string' || model === '') throw new GatewayError('SB_REQUEST_INVALID', 'model: a non-empty string is required');
  context.model = model;
  const profile = context.caller!.profile;
  const route = resolveRoute(profile, model);
  if (!route) {
    throw new GatewayError('SB_ROUTE_NO_MATCH', `model "${model}" matches no rule of profile "${profile.name}", and the profile has no default`);
  }
  return { context, body, model, route };
}

function parseBody(raw: unknown): Record<string, unknown> {
  if (typeof raw !== 'string' || raw === '') throw new GatewayError('SB_REQUEST_INVALID_JSON', 'the request body is empty; send a JSON object');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new GatewayError('SB_REQUEST_INVALID_JSON', `the request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new GatewayError('SB_REQUEST_INVALID', 'the request body must be a JSON object');
  return parsed as Record<string, unknown>;
}


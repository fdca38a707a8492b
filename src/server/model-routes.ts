import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WireFormat } from '../canonical/types.js';
import { HttpClientResponse } from '../pipeline/client-response.js';
import { countTokens } from '../pipeline/count-tokens.js';
import type { ModelRequest } from '../pipeline/model-request.js';
import { turnStateHeader } from '../pipeline/response-headers.js';
import type { RouteDecision } from '../routing/resolve-route.js';
import { identifyClient, type ClientIdentity } from '../traces/client-identity.js';
import { modelNameProblem } from '../routing/model-name.js';
import { requestedMaxTokens } from '../traces/requested-max-tokens.js';
import type { RequestContext } from './create-gateway-server.js';
import type { GatewayState } from './gateway-state.js';
import { parseJsonObject, routeModel, serveRoutedRequest } from './serve-model-request.js';

const modelPaths: Array<[string, WireFormat, ModelRequest['endpoint']?]> = [
  ['/anthropic/v1/messages', 'anthropic'],
  // Anthropic clients configured with the gateway root as base URL.
  ['/v1/messages', 'anthropic'],
  ['/v1/chat/completions', 'openai-chat'],
  ['/v1/responses', 'openai-responses'],
  ['/v1/responses/compact', 'openai-responses', 'compact'],
];

/** The three inbound APIs, and Anthropic's count_tokens. */
export function registerModelRoutes(app: FastifyInstance, state: GatewayState): void {
  for (const [url, format, endpoint] of modelPaths) {
    app.post(url, { config: { authenticated: true } }, (request, reply) => serveModelRequest(state, request, reply, format, endpoint));
  }
  for (const url of ['/anthropic/v1/messages/count_tokens', '/v1/messages/count_tokens']) {
    app.post(url, { config: { authenticated: true } }, async (request, reply) => {
      const { context, body, route } = routeBody(request);
      const result = await countTokens(context.snapshot, route, body, request.headers, state.pool, reply.raw);
      return reply.code(result.status).header('x-switchboard-config', context.snapshot.version).headers(result.headers).send(result.body);
    });
  }
}

async function serveModelRequest(state: GatewayState, request: FastifyRequest, reply: FastifyReply, format: WireFormat, endpoint: ModelRequest['endpoint']): Promise<void> {
  const context = request.gateway!;
  const modelRequest = modelRequestOf(request, format, endpoint);
  context.handled = true;
  reply.hijack();
  const raw = reply.raw;
  raw.on('close', () => {
    if (!raw.writableFinished) modelRequest.abort.abort();
  });
  const client = new HttpClientResponse(
    raw,
    {
      'x-switchboard-request-id': context.id,
      'x-switchboard-config': context.snapshot.version,
      ...echoedTurnState(request, format),
    },
    context.snapshot.server.sendTimeoutMs,
  );
  await serveRoutedRequest(state, modelRequest, client, identityOf(context), context.admission);
}

/**
 * Codex sends back the `x-codex-turn-state` a Responses server gave it at the
 * turn's start. The gateway returns the client's token as it came, so a turn
 * keeps one token even when a translated provider (which issues none) answers
 * part of it; a passthrough provider's own token, relayed with its response,
 * takes precedence. The gateway mints none: it routes by rules, not by the token.
 */
function echoedTurnState(request: FastifyRequest, format: WireFormat): Record<string, string> {
  const value = request.headers[turnStateHeader];
  return format === 'openai-responses' && typeof value === 'string' ? { [turnStateHeader]: value } : {};
}

/**
 * The pipeline's view of a routed request. Built in its own function so the parsed body is
 * referenced only from the ModelRequest, which drops it once passthrough no longer needs it.
 */
function modelRequestOf(request: FastifyRequest, format: WireFormat, endpoint: ModelRequest['endpoint']): ModelRequest {
  const { context, body, route, model } = routeBody(request);
  const modelRequest: ModelRequest = {
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
    maxTokens: context.maxTokens ?? null,
    route,
    abort: new AbortController(),
  };
  if (endpoint !== undefined) modelRequest.endpoint = endpoint;
  return modelRequest;
}

/** Parses the JSON body and resolves the route; a failure here is answered by the error handler. */
function routeBody(request: FastifyRequest): { context: RequestContext; body: Record<string, unknown>; model: string; route: RouteDecision } {
  const context = request.gateway!;
  const body = parseJsonObject(request.body, 'the request body');
  context.parsed = true;
  const client = identifyClient(request.headers, body);
  context.session = client.session;
  context.agent = client.agent;
  context.parentAgent = client.parentAgent;
  context.kind = client.kind;
  context.stream = body.stream === true;
  context.maxTokens = requestedMaxTokens(context.format, body);
  if (typeof body.model === 'string' && body.model !== '' && modelNameProblem(body.model) === undefined) context.model = body.model;
  const { model, route } = routeModel(context.caller!.profile, body.model, context.admission?.fallback);
  return { context, body, model, route };
}

/** The identity read from the body and headers (routeBody), as the trace line records it. */
function identityOf(context: RequestContext): ClientIdentity {
  const identity: ClientIdentity = { kind: context.kind ?? 'turn' };
  if (context.session !== undefined) identity.session = context.session;
  if (context.agent !== undefined) identity.agent = context.agent;
  if (context.parentAgent !== undefined) identity.parentAgent = context.parentAgent;
  return identity;
}

import type { CompiledProfile, Target } from '../config/snapshot.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { ClientResponse } from '../pipeline/client-response.js';
import type { FinishedRequest } from '../pipeline/finished-request.js';
import { handleModelRequest } from '../pipeline/handle-model-request.js';
import { emptyOutcome, type ModelRequest, type RequestOutcome } from '../pipeline/model-request.js';
import { modelNameProblem } from '../routing/model-name.js';
import { resolveRoute, type RouteDecision } from '../routing/resolve-route.js';
import type { AdmissionTicket } from '../limits/admission.js';
import type { ClientIdentity } from '../traces/client-identity.js';
import type { GatewayState } from './gateway-state.js';

/** Parses a JSON object sent by a client (`what` names it in the error: "the request body", "the frame"). */
export function parseJsonObject(raw: unknown, what: string): Record<string, unknown> {
  if (typeof raw !== 'string' || raw === '') throw new GatewayError('SB_REQUEST_INVALID_JSON', `${what} is empty; send a JSON object`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new GatewayError('SB_REQUEST_INVALID_JSON', `${what} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new GatewayError('SB_REQUEST_INVALID', `${what} must be a JSON object`);
  return parsed as Record<string, unknown>;
}

/**
 * The route for a request's `model`; a request without one, or with a model no rule matches, is refused.
 * A used-up budget with a `budget_fallback` keeps the rule (for the trace) but sends the request to the fallback targets.
 */
export function routeModel(profile: CompiledProfile, model: unknown, budgetFallback?: { targets: readonly Target[] }): { model: string; route: RouteDecision } {
  if (typeof model !== 'string' || model === '') throw new GatewayError('SB_REQUEST_INVALID', 'model: a non-empty string is required');
  const problem = modelNameProblem(model);
  if (problem !== undefined) throw new GatewayError('SB_REQUEST_INVALID', problem);
  const route = resolveRoute(profile, model);
  if (!route) {
    throw new GatewayError('SB_ROUTE_NO_MATCH', `model "${model}" matches no rule of profile "${profile.name}", and the profile has no default`);
  }
  return { model, route: budgetFallback ? { ...route, targets: budgetFallback.targets } : route };
}

/**
 * Runs one routed request through the pipeline, counted in flight (the drain
 * waits for it), and records its trace line. Both transports serve requests
 * through here: an HTTP request, or one `response.create` frame. The request's
 * admission ticket (when a limit or budget applies) is settled once, when the
 * request is over: retries and fallbacks inside it are one request.
 */
export async function serveRoutedRequest(state: GatewayState, request: ModelRequest, client: ClientResponse, identity: ClientIdentity, ticket?: AdmissionTicket): Promise<RequestOutcome> {
  if (ticket && ticket.warnings.length > 0) client.setHeader('x-switchboard-budget-warning', ticket.warnings.join('; '));
  state.inFlight++;
  state.inFlightAborts.add(request.abort);
  if (request.stream) state.inFlightStreams++;
  let outcome: RequestOutcome | undefined;
  try {
    outcome = await handleModelRequest(request, client, state);
    if (ticket && (ticket.warnings.length > 0 || ticket.fallback)) outcome.budget = { warnings: [...ticket.warnings], fallback: ticket.fallback?.budget ?? null };
    recordServed(state, request, client, identity, outcome);
    return outcome;
  } finally {
    state.inFlight--;
    state.inFlightAborts.delete(request.abort);
    if (request.stream) state.inFlightStreams--;
    ticket?.settle(outcome?.usage ?? null, outcome?.cost ?? null);
  }
}

/** The trace line and metrics of a request that was answered (by the pipeline, or by the gateway itself). */
export function recordServed(state: GatewayState, request: ModelRequest, client: ClientResponse, identity: ClientIdentity, outcome: RequestOutcome): void {
  state.recordRequest({
    id: request.id,
    startedAtIso: request.startedAtIso,
    durationMs: performance.now() - request.startedAt,
    ttftMs: client.firstByteAt === undefined ? null : client.firstByteAt - request.startedAt,
    configVersion: request.snapshot.version,
    keyName: request.key.name,
    profile: request.profile.name,
    route: request.route,
    inbound: request.inbound,
    headers: request.headers,
    model: request.clientModel,
    stream: request.stream,
    maxTokens: request.maxTokens,
    ...identityFields(identity),
    rawBody: request.rawBody,
    canonical: request.canonical,
    outcome,
  });
}

/** A request refused before the pipeline took it: the trace line and metrics of its error. */
export type RefusedRequest = Omit<FinishedRequest, 'durationMs' | 'ttftMs' | 'route' | 'canonical' | 'outcome'> & { startedAt: number };

/** `sampled`: refused before a key was known, so traced at most once a second (see GatewayState.recordRequest). */
export function recordRefusal(state: GatewayState, refused: RefusedRequest, error: GatewayError, options?: { sampled?: boolean }): void {
  const { startedAt, ...finished } = refused;
  const outcome = emptyOutcome();
  outcome.status = error.status;
  outcome.error = { type: error.type, code: error.code, message: error.message };
  state.recordRequest({ ...finished, durationMs: performance.now() - startedAt, ttftMs: null, route: null, canonical: undefined, outcome }, options);
}

/** The trace fields of a client's identity (see identifyClient). */
export function identityFields(identity: ClientIdentity): Pick<FinishedRequest, 'session' | 'agent' | 'parentAgent' | 'kind'> {
  const fields: Pick<FinishedRequest, 'session' | 'agent' | 'parentAgent' | 'kind'> = { session: identity.session ?? null, kind: identity.kind };
  if (identity.agent !== undefined) fields.agent = identity.agent;
  if (identity.parentAgent !== undefined) fields.parentAgent = identity.parentAgent;
  return fields;
}

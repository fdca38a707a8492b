import type { AdmissionTicket } from '../../limits/admission.js';
import { needsAdmission } from '../../limits/admission-plan.js';
import { randomUUID } from 'node:crypto';
import type { RawData, WebSocket } from 'ws';
import { GatewayError, toGatewayError } from '../../errors/gateway-error.js';
import { generateId } from '../../formats/shared/generate-id.js';
import { emptyOutcome, type InboundApi, type ModelRequest } from '../../pipeline/model-request.js';
import { sendClientError } from '../../pipeline/send-client-error.js';
import type { ClientHeaders } from '../../upstream/upstream-request.js';
import { authenticate } from '../authenticate.js';
import type { GatewayState } from '../gateway-state.js';
import { identifyClient, type ClientIdentity } from '../../traces/client-identity.js';
import { requestedMaxTokens } from '../../traces/requested-max-tokens.js';
import { identityFields, parseJsonObject, recordRefusal, recordServed, routeModel, serveRoutedRequest, type RefusedRequest } from '../serve-model-request.js';
import { readCreateFrame, requestBodyText } from './read-create-frame.js';
import { ResponseChain } from './response-chain.js';
import { responsesStreamText, warmUpParts } from './responses-stream-text.js';
import { WebSocketClientResponse } from './websocket-client-response.js';

/** Responses a connection keeps for `previous_response_id`; Codex only ever continues from the last one. */
const maxKeptResponses = 8;

const inbound: InboundApi = { format: 'openai-responses', path: '/v1/responses', transport: 'websocket' };

/**
 * One client's Responses WebSocket: each `response.create` text frame is one
 * request, authenticated, limited, routed, translated and traced exactly as a
 * `POST /v1/responses` would be, and answered with the same stream events as
 * frames. One response at a time: a frame sent while one is still streaming is
 * refused (its error frame would otherwise be taken for the running
 * response's). A bad frame gets an `error` frame; the connection stays open.
 */
export class ResponsesWebSocketConnection {
  private readonly chain = new ResponseChain(maxKeptResponses);
  /** The response in flight: aborted when the client goes away. */
  private running: AbortController | undefined;
  private closeWhenIdle = false;

  constructor(
    private readonly socket: WebSocket,
    /** The upgrade request's headers, less those of the WebSocket handshake itself. */
    private readonly headers: ClientHeaders,
    private readonly state: GatewayState,
    onGone: () => void,
  ) {
    socket.on('message', (data, isBinary) => {
      this.onFrame(data, isBinary).catch((error: unknown) => {
        // onFrame answers every failure itself; reaching here is a gateway bug, which must not take the process down.
        state.logger.log('error', 'a Responses WebSocket frame failed unexpectedly', { error: error instanceof Error ? error.message : String(error) });
      });
    });
    socket.on('close', () => {
      this.running?.abort();
      onGone();
    });
  }

  /** Drain: an idle connection closes now, a busy one once its response is complete. */
  drain(): void {
    this.closeWhenIdle = true;
    if (!this.running) this.socket.close(1001, 'going away');
  }

  /** The drain deadline passed: close without waiting for the response in flight. */
  terminate(): void {
    this.socket.terminate();
  }

  private async onFrame(data: RawData, isBinary: boolean): Promise<void> {
    const start = { id: randomUUID(), startedAt: performance.now(), startedAtIso: new Date().toISOString() };
    if (this.running) {
      this.refuse(start, new GatewayError('SB_WEBSOCKET_RESPONSE_IN_FLIGHT', 'a response is still streaming on this connection; send the next response.create after its response.completed, or open another connection'), {});
      return;
    }
    const abort = new AbortController();
    this.running = abort;
    try {
      await this.serveFrame(start, data, isBinary, abort);
    } finally {
      this.running = undefined;
      if (this.closeWhenIdle) this.socket.close(1001, 'going away');
    }
  }

  private async serveFrame(start: { id: string; startedAt: number; startedAtIso: string }, data: RawData, isBinary: boolean, abort: AbortController): Promise<void> {
    const snapshot = this.state.store.current;
    const known: Partial<RefusedRequest> = {};
    let ticket: AdmissionTicket | undefined;
    try {
      if (this.state.draining) throw new GatewayError('SB_GATEWAY_DRAINING', 'the gateway is shutting down; retry on another instance');
      // Checked on every frame against the current config: a key a reload disabled or removed stops working on open connections too.
      const caller = authenticate(snapshot, this.headers);
      known.keyName = caller.key.name;
      known.profile = caller.profile.name;
      if (isBinary) throw new GatewayError('SB_REQUEST_INVALID', 'send response.create as a text frame holding JSON');
      const bytes = frameBytes(data);
      const limit = snapshot.server.bodyLimitBytes;
      if (bytes.length > limit) throw tooLarge(limit);
      const create = readCreateFrame(parseJsonObject(bytes.toString('utf8'), 'the frame'));
      const model = create.fields.model;
      if (typeof model === 'string' && model !== '') known.model = model;
      known.maxTokens = requestedMaxTokens('openai-responses', create.fields);
      const previous = create.previousResponseId === undefined ? undefined : this.chain.find(create.previousResponseId);
      if (create.previousResponseId !== undefined && previous === undefined) {
        throw new GatewayError('SB_WEBSOCKET_PREVIOUS_RESPONSE_NOT_FOUND', `previous response "${create.previousResponseId}" is not among the responses this connection keeps; send the full input without previous_response_id`);
      }
      const fields = create.generate ? create.fields : { ...create.fields, generate: false };
      const rawBody = requestBodyText(fields, this.chain.expandInput(previous, create.newItems));
      known.rawBody = rawBody;
      if (Buffer.byteLength(rawBody) > limit) throw tooLarge(limit);
      // Each generating frame is admitted on its own (limits and budgets), before routing: a used-up budget may route to its fallback.
      if (create.generate && needsAdmission(caller.key, caller.profile)) ticket = await this.state.admission.admit(start.id, caller.key, caller.profile, snapshot.limits);
      const routed = routeModel(caller.profile, model, ticket?.fallback);
      const headers = turnHeaders(this.headers, fields.client_metadata);
      const identity = identifyClient(headers, fields);
      const request: ModelRequest = {
        ...start,
        snapshot,
        key: caller.key,
        profile: caller.profile,
        inbound,
        headers,
        rawBody,
        body: undefined,
        clientModel: routed.model,
        stream: true,
        maxTokens: known.maxTokens ?? null,
        route: routed.route,
        abort,
      };
      const client = new WebSocketClientResponse(this.socket, routed.model, { 'x-switchboard-request-id': start.id, 'x-switchboard-config': snapshot.version });
      if (create.generate) {
        await serveRoutedRequest(this.state, request, client, identity, ticket);
      } else {
        await this.warmUp(request, client, identity);
      }
      if (client.responseId !== undefined && (client.ending === 'completed' || client.ending === 'incomplete')) {
        this.chain.remember(client.responseId, previous, create.newItems, client.outputItemTexts(), limit);
      }
    } catch (thrown) {
      this.refuse(start, toGatewayError(thrown), known);
    } finally {
      // A frame refused after its admission gives its leases back (a served one settled already; settling twice does nothing).
      ticket?.settle(null, null);
    }
  }

  /**
   * `generate: false` asks for no model output: the request is only
   * remembered, for the next frame to continue from. Answered here, with no
   * upstream call and no limit counted, as an empty completed response.
   */
  private async warmUp(request: ModelRequest, client: WebSocketClientResponse, identity: ClientIdentity): Promise<void> {
    client.startStream();
    await client.write(responsesStreamText(warmUpParts(generateId('resp_')), request.clientModel));
    client.end();
    const outcome = emptyOutcome();
    outcome.status = 200;
    recordServed(this.state, request, client, identity, outcome);
  }

  /** Answers a frame the pipeline did not take with an `error` frame, and traces it. */
  private refuse(start: { id: string; startedAt: number; startedAtIso: string }, error: GatewayError, known: Partial<RefusedRequest>): void {
    const snapshot = this.state.store.current;
    sendClientError(new WebSocketClientResponse(this.socket, '', { 'x-switchboard-request-id': start.id, 'x-switchboard-config': snapshot.version }), 'openai-responses', error);
    recordRefusal(
      this.state,
      {
        ...start,
        configVersion: snapshot.version,
        keyName: known.keyName ?? null,
        profile: known.profile ?? null,
        inbound,
        headers: this.headers,
        model: known.model ?? null,
        stream: true,
        maxTokens: known.maxTokens ?? null,
        ...identityFields(identifyClient(this.headers, undefined)),
        rawBody: known.rawBody,
      },
      error,
    );
  }
}

/** The frame's payload; ws hands text frames over as one Buffer unless told otherwise. */
function frameBytes(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

function tooLarge(limit: number): GatewayError {
  return new GatewayError('SB_REQUEST_TOO_LARGE', `the request (the frame with the history it continues) is larger than the gateway's limit of ${Math.round(limit / 1024 / 1024)} MiB (server.body_limit_mb)`);
}

/**
 * The headers one frame's request carries upstream. Codex sends
 * `x-codex-turn-metadata` at the upgrade (describing its warm-up) and each
 * turn's own in the frame's `client_metadata`; over HTTP that is the header of
 * each request, so it is here too.
 */
function turnHeaders(headers: ClientHeaders, clientMetadata: unknown): ClientHeaders {
  const turn = typeof clientMetadata === 'object' && clientMetadata !== null ? (clientMetadata as Record<string, unknown>)['x-codex-turn-metadata'] : undefined;
  if (typeof turn !== 'string' && headers['x-codex-turn-metadata'] === undefined) return headers;
  const turnOnly = { ...headers };
  if (typeof turn === 'string') turnOnly['x-codex-turn-metadata'] = turn;
  else delete turnOnly['x-codex-turn-metadata'];
  return turnOnly;
}

import type { WireFormat } from '../canonical/types.js';
import type { Target } from '../config/snapshot.js';
import { getCodec } from '../formats/index.js';
import type { DispatcherPool } from '../upstream/dispatcher-pool.js';
import type { UpstreamAttempt } from '../upstream/upstream-attempt.js';
import { readUpstreamBody } from '../upstream/read-upstream-body.js';
import type { ClientResponse } from './client-response.js';
import { bodyOf, type ModelRequest, type RequestOutcome } from './model-request.js';
import { relayEventStream } from './relay-stream.js';
import { replaceTopLevelString } from './replace-top-level-string.js';
import { relayedHeaders, isEventStream } from './response-headers.js';
import { sendToProvider } from './send-to-provider.js';
import { createPassthroughTransform, recordStreamError } from './stream-transforms.js';

/**
 * The fast path for a provider that speaks the client's format: the body is
 * forwarded as received with only `model` swapped, and the answer is relayed
 * as it arrives with `model` swapped back.
 */
export async function relayPassthrough(request: ModelRequest, target: Target, attempt: UpstreamAttempt, client: ClientResponse, outcome: RequestOutcome, pool: DispatcherPool): Promise<void> {
  const provider = attempt.provider;
  const format = provider.format as WireFormat;
  const codec = getCodec(format);
  const sending = sendToProvider(request, attempt, format, target.model === request.clientModel ? request.rawBody : swapModel(request, target.model), outcome, pool);
  request.body = undefined;
  const response = await sending;
  const headers = relayedHeaders(response.headers, request.inbound.format);

  if (isEventStream(response.headers)) {
    const transform = createPassthroughTransform(codec, provider, request.clientModel, target.model);
    await relayEventStream(response, transform, client, headers, attempt, request.abort.signal, outcome);
    return recordStreamError(outcome, transform);
  }

  const text = provider.redactSecrets(await readUpstreamBody(response, provider, request.snapshot.server.upstreamBodyLimitBytes));
  const relayed = target.model === request.clientModel ? text : (replaceTopLevelString(text, 'model', request.clientModel) ?? text);
  client.sendJson(response.statusCode, relayed, headers);
  outcome.status = response.statusCode;
  outcome.response = relayed;
}

function swapModel(request: ModelRequest, model: string): string {
  return replaceTopLevelString(request.rawBody, 'model', model) ?? JSON.stringify({ ...bodyOf(request), model });
}

import type { EncodeContext, FormatCodec } from '../canonical/codec.js';
import type { StreamPart } from '../canonical/stream.js';
import { createStreamAccumulator } from '../canonical/accumulate-stream.js';
import { responseToStreamParts } from '../canonical/response-to-stream-parts.js';
import type { CanonicalRequest, TranslationWarning, WireFormat } from '../canonical/types.js';
import type { ResolvedProvider, Target } from '../config/snapshot.js';
import { GatewayError } from '../errors/gateway-error.js';
import { getCodec } from '../formats/index.js';
import type { DispatcherPool } from '../upstream/dispatcher-pool.js';
import type { UpstreamAttempt } from '../upstream/upstream-attempt.js';
import { mockResponseParts } from '../upstream/mock-provider.js';
import { readUpstreamBody } from '../upstream/read-upstream-body.js';
import type { ClientResponse } from './client-response.js';
import { bodyOf, type ModelRequest, type RequestOutcome } from './model-request.js';
import { relayEventStream } from './relay-stream.js';
import { isEventStream, relayedHeaders } from './response-headers.js';
import { sendToProvider } from './send-to-provider.js';
import { createTranslatingTransform, recordStreamError } from './stream-transforms.js';

/** The client's request in canonical form, decoded once per request however many attempts it takes. */
export function canonicalRequestOf(request: ModelRequest, outcome: RequestOutcome): CanonicalRequest {
  if (request.canonical) return request.canonical;
  const decoded = refuseTooDeep(() => getCodec(request.inbound.format).decodeRequest(bodyOf(request)));
  addWarnings(outcome, decoded.warnings);
  request.canonical = decoded.value;
  request.body = undefined;
  return decoded.value;
}

/** A provider of another wire format: read the request into canonical form, write it in the provider's, and the answer back. */
export async function relayTranslated(request: ModelRequest, target: Target, attempt: UpstreamAttempt, client: ClientResponse, outcome: RequestOutcome, pool: DispatcherPool): Promise<void> {
  const provider = attempt.provider;
  const upstreamFormat = provider.format as WireFormat;
  const upstreamCodec = getCodec(upstreamFormat);
  const clientCodec = getCodec(request.inbound.format);
  const canonical = canonicalRequestOf(request, outcome);
  const context: EncodeContext = { clientModel: request.clientModel, request: canonical };
  const response = await sendToProvider(request, attempt, upstreamFormat, upstreamBody(canonical, provider, target.model, outcome), outcome, pool);
  const headers = relayedHeaders(response.headers, request.inbound.format);

  if (canonical.stream && isEventStream(response.headers)) {
    const transform = createTranslatingTransform(upstreamCodec, clientCodec, context, provider);
    await relayEventStream(response, transform, client, headers, attempt, request.abort.signal, outcome);
    return recordStreamError(outcome, transform);
  }

  const text = await readUpstreamBody(response, provider, request.snapshot.server.upstreamBodyLimitBytes);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new GatewayError('SB_UPSTREAM_BAD_RESPONSE', `provider "${provider.name}" sent a response that is not JSON`, { cause: error });
  }
  const decoded = upstreamCodec.decodeResponse(parsed);
  // A provider that answers a stream request with one JSON body still gets streamed to the client.
  if (canonical.stream) return answerFromParts(responseToStreamParts(decoded), clientCodec, context, provider, client, outcome, headers);
  const body = JSON.stringify(clientCodec.encodeResponse(decoded, context));
  client.sendJson(200, body, headers);
  outcome.status = 200;
  outcome.response = body;
  outcome.assembled = decoded;
}

/** The built-in mock provider, answering in the client's format. */
export async function relayMock(request: ModelRequest, target: Target, provider: ResolvedProvider, client: ClientResponse, outcome: RequestOutcome): Promise<void> {
  const clientCodec = getCodec(request.inbound.format);
  const canonical = canonicalRequestOf(request, outcome);
  const context: EncodeContext = { clientModel: request.clientModel, request: canonical };
  outcome.upstreamMs = 0;
  return answerFromParts(mockResponseParts(canonical, target.model, `mock-${request.id}`), clientCodec, context, provider, client, outcome, {});
}

/** Answers with a whole answer held as canonical parts: streamed in one write, or as one JSON body. */
async function answerFromParts(
  parts: Iterable<StreamPart>,
  clientCodec: FormatCodec,
  context: EncodeContext,
  provider: ResolvedProvider,
  client: ClientResponse,
  outcome: RequestOutcome,
  headers: Record<string, string>,
): Promise<void> {
  outcome.status = 200;
  if (context.request.stream) {
    const transform = createTranslatingTransform(undefined, clientCodec, context, provider);
    for (const part of parts) transform.pushPart(part);
    client.startStream(headers);
    await client.write(transform.pending);
    client.end();
    outcome.assembled = transform.assembled();
    return;
  }
  const accumulator = createStreamAccumulator();
  for (const part of parts) accumulator.push(part);
  const assembled = accumulator.result();
  if (!assembled) throw new GatewayError('SB_INTERNAL', `provider "${provider.name}" produced no answer`);
  const body = JSON.stringify(clientCodec.encodeResponse(assembled, context));
  client.sendJson(200, body, headers);
  outcome.response = body;
  outcome.assembled = assembled;
}

/** The provider's request body, written by its codec, within the provider's configured limits. */
function upstreamBody(canonical: CanonicalRequest, provider: ResolvedProvider, model: string, outcome: RequestOutcome): string {
  const format = provider.format as WireFormat;
  let request = canonical;
  if (provider.maxOutputTokens !== undefined && (canonical.maxOutputTokens ?? 0) > provider.maxOutputTokens) {
    // Claude Code asks for 32k-128k output tokens; a provider with a lower ceiling refuses the whole request.
    outcome.warnings.push(`compatibility max_tokens: ${canonical.maxOutputTokens} lowered to ${provider.maxOutputTokens}, the max_output_tokens of provider "${provider.name}"`);
    request = { ...canonical, maxOutputTokens: provider.maxOutputTokens };
  }
  const encoded = refuseTooDeep(() => getCodec(format).encodeRequest(request, model));
  addWarnings(outcome, encoded.warnings);
  const body = encoded.value;
  // The chat writer follows OpenAI (`max_completion_tokens`); most OpenAI-compatible servers read only `max_tokens`.
  if (format === 'openai-chat' && provider.maxTokensField === 'max_tokens' && body.max_completion_tokens !== undefined && body.max_tokens === undefined) {
    body.max_tokens = body.max_completion_tokens;
    delete body.max_completion_tokens;
  }
  if (format === 'openai-chat' && !provider.sendsPromptCacheKey) delete body.prompt_cache_key;
  return refuseTooDeep(() => JSON.stringify(body));
}

/**
 * JSON.parse accepts any nesting, but walking or re-serialising a body nested
 * thousands deep overflows the stack: that is the client's malformed input,
 * answered with 400, not a gateway fault. Checked by catching, so well-formed
 * requests pay nothing.
 */
function refuseTooDeep<T>(translate: () => T): T {
  try {
    return translate();
  } catch (error) {
    if (error instanceof RangeError) throw new GatewayError('SB_REQUEST_INVALID', 'the request body is nested too deeply to translate', { cause: error });
    throw error;
  }
}

function addWarnings(outcome: RequestOutcome, warnings: TranslationWarning[]): void {
  for (const warning of warnings) outcome.warnings.push(`${warning.type} ${warning.path}: ${warning.message}`);
}

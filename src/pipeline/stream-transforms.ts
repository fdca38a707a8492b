import type { EncodeContext, FormatCodec } from '../canonical/codec.js';
import { createStreamAccumulator } from '../canonical/accumulate-stream.js';
import type { SseEvent, StreamPart } from '../canonical/stream.js';
import type { CanonicalResponse } from '../canonical/types.js';
import type { ResolvedProvider } from '../config/snapshot.js';
import type { GatewayError } from '../errors/gateway-error.js';
import type { RequestOutcome } from './model-request.js';
import { frameUnchanged, frameWithClientModel } from './rewrite-stream-model.js';
import type { StreamTransform } from './relay-stream.js';
import { redactStreamError, streamErrorToGatewayError } from './upstream-errors.js';

/** A stream transform that also assembles the streamed answer for the trace. */
export interface AssemblingTransform extends StreamTransform {
  assembled(): CanonicalResponse | undefined;
  /** The error that ended the stream (the upstream's error event or a broken connection), with its real cause. */
  streamError(): GatewayError | undefined;
}

/**
 * Same-format relay: each upstream event goes out as it came, only `model`
 * rewritten. The upstream codec reads the events on the side, for the trace
 * and to notice a stream that ends without its terminal event.
 */
export function createPassthroughTransform(codec: FormatCodec, provider: ResolvedProvider, clientModel: string, upstreamModel: string): AssemblingTransform {
  const accumulator = createStreamAccumulator();
  let producedAny = false;
  let sawError = false;
  const append = (frame: string): void => {
    producedAny = true;
    transform.pending += frame;
  };
  // Set while the event being decoded carried an error: its frame is relayed with the gateway's credentials redacted.
  let errorEvent = false;
  const decoder = codec.createStreamDecoder((upstreamPart: StreamPart) => {
    const part = redactedPart(upstreamPart, provider);
    accumulator.push(part);
    if (part.type !== 'error') return;
    errorEvent = true;
    if (sawError) return;
    sawError = true;
    const error = streamErrorToGatewayError(part.error, provider);
    if (!producedAny) transform.failure = error;
    // Mid-stream, the upstream's own error event is relayed as-is by onEvent. The decoder's own
    // verdict (an event that is not JSON, a stream that stopped without its terminal event) ends
    // the stream with an error event of ours instead: relayed, a broken frame made the SDKs throw
    // a bare SyntaxError, and a truncated stream looked complete.
    else if (isGatewayVerdict(part.error.code)) {
      append(codec.encodeStreamError(error, clientModel));
      transform.finished = true;
    }
  });
  const transform: AssemblingTransform = {
    pending: '',
    failure: undefined,
    finished: false,
    onEvent(event: SseEvent) {
      errorEvent = false;
      // The decoder already parses every event for the trace, so checking the JSON costs nothing more.
      decoder.push(event);
      if (transform.failure || transform.finished) return;
      const frame = clientModel === upstreamModel ? frameUnchanged(event) : frameWithClientModel(codec.format, event, clientModel);
      append(errorEvent ? provider.redactSecrets(frame) : frame);
    },
    onEnd() {
      decoder.end();
    },
    onBroken(error: GatewayError) {
      accumulator.push({ type: 'error', error: { type: error.type, message: error.message, code: error.code } });
      append(codec.encodeStreamError(error, clientModel));
    },
    assembled: () => accumulator.result(),
    streamError: () => (accumulator.error ? streamErrorToGatewayError(accumulator.error, provider) : undefined),
  };
  return transform;
}

/** Error codes the stream decoders give their own findings, as opposed to an error event the provider sent. */
function isGatewayVerdict(code: string | undefined): boolean {
  return code === 'SB_UPSTREAM_STREAM_BROKEN' || code === 'SB_UPSTREAM_TIMEOUT';
}

/**
 * Cross-format relay: upstream events are read into canonical parts and
 * written in the client's format. Also serves the mock provider, which
 * produces canonical parts directly (`pushPart`).
 */
export function createTranslatingTransform(
  upstreamCodec: FormatCodec | undefined,
  clientCodec: FormatCodec,
  context: EncodeContext,
  provider: ResolvedProvider,
): AssemblingTransform & { pushPart(part: StreamPart): void } {
  const accumulator = createStreamAccumulator();
  let wroteAny = false;
  const encoder = clientCodec.createStreamEncoder(context, (frame) => {
    wroteAny = true;
    transform.pending += frame;
  });
  const pushPart = (part: StreamPart): void => {
    if (transform.failure) return;
    if (part.type === 'error' && !wroteAny && transform.pending === '') {
      transform.failure = streamErrorToGatewayError(part.error, provider);
      accumulator.push(part);
      return;
    }
    accumulator.push(part);
    encoder.push(part);
    // The encoder wrote the client's error event: nothing after it can be relayed.
    if (part.type === 'error') transform.finished = true;
  };
  const decoder = upstreamCodec?.createStreamDecoder((part) => pushPart(redactedPart(part, provider)));
  const transform = {
    pending: '',
    failure: undefined as GatewayError | undefined,
    finished: false,
    onEvent(event: SseEvent) {
      decoder?.push(event);
    },
    onEnd() {
      decoder?.end();
    },
    onBroken(error: GatewayError) {
      pushPart({ type: 'error', error: { type: error.type, message: error.message, code: error.code, status: error.status } });
    },
    assembled: () => accumulator.result(),
    streamError: () => (accumulator.error ? streamErrorToGatewayError(accumulator.error, provider) : undefined),
    pushPart,
  };
  return transform;
}

/** Upstream error text loses the gateway's credentials before anything reads it. */
function redactedPart(part: StreamPart, provider: ResolvedProvider): StreamPart {
  return part.type === 'error' ? { type: 'error', error: redactStreamError(part.error, provider) } : part;
}

/**
 * After a relayed stream: the error that ended it (the upstream's error event, a broken connection, a
 * timeout) becomes the request's error with its real cause, as the client saw it. The status stays the
 * 200 the client got.
 */
export function recordStreamError(outcome: RequestOutcome, transform: AssemblingTransform): void {
  if (outcome.clientAborted || outcome.error !== null) return;
  const error = transform.streamError();
  if (error) outcome.error = { type: error.type, code: error.code, message: error.message };
}

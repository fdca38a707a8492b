import type { SseEvent } from '../canonical/stream.js';
import type { CanonicalResponse } from '../canonical/types.js';
import { GatewayError } from '../errors/gateway-error.js';
import { createSseParser } from '../sse/sse-parser.js';
import { upstreamTransportError } from '../upstream/call-upstream.js';
import type { UpstreamAttempt } from '../upstream/upstream-attempt.js';
import type { ClientResponse } from './client-response.js';
import { gatewayCut } from './gateway-cut.js';
import type { RequestOutcome } from './model-request.js';

/**
 * What a stream relay does with each upstream event. `pending` collects the
 * client-bound frames of one upstream chunk, so the client gets one write per
 * upstream chunk: chunks are never coalesced or held back.
 */
export interface StreamTransform {
  /** Client frames produced since the last flush. */
  pending: string;
  /** Set when the upstream failed before anything was sent; the attempt may then be retried elsewhere. */
  failure: GatewayError | undefined;
  /** Set once the client's stream is complete (its error event written): the relay ends it and stops reading the upstream. */
  finished: boolean;
  onEvent(event: SseEvent): void;
  /** The upstream body ended. */
  onEnd(): void;
  /** The upstream broke mid-stream; writes the client format's error event. */
  onBroken(error: GatewayError): void;
}

export interface StreamRelayResult {
  clientAborted: boolean;
}

/**
 * Pipes an upstream SSE body to the client through a transform. The client's
 * headers go out with the first frame, not before: until then a failure can
 * still fall back to another target (the caller sees it thrown).
 */
export async function relayStream(
  body: AsyncIterable<Buffer>,
  transform: StreamTransform,
  client: ClientResponse,
  headers: Record<string, string>,
  mapTransportError: (error: unknown) => GatewayError,
  signal: AbortSignal,
  /** The first upstream event arrived: for a stream, that is the first byte `first_byte_ms` waits for. */
  onFirstEvent: () => void,
): Promise<StreamRelayResult> {
  let first = true;
  const parser = createSseParser((event) => {
    if (first) {
      first = false;
      onFirstEvent();
    }
    transform.onEvent(event);
  });
  const flush = async (): Promise<void> => {
    if (transform.pending === '') return;
    if (!client.started) client.startStream(headers);
    const text = transform.pending;
    transform.pending = '';
    const wait = client.write(text);
    if (wait) await wait;
  };
  try {
    for await (const chunk of body) {
      parser.push(chunk);
      if (transform.failure && !client.started) throw transform.failure;
      await flush();
      if (client.closed) return { clientAborted: true };
      // Leaving the loop destroys the upstream body, which aborts the call.
      if (transform.finished) break;
    }
    if (!transform.finished) {
      parser.end();
      transform.onEnd();
      if (transform.failure && !client.started) throw transform.failure;
      await flush();
    }
  } catch (error) {
    // Cut by the gateway (the drain deadline): the client is still there and gets the reason as the stream's error event.
    const cut = gatewayCut(signal);
    if (!cut && (signal.aborted || client.closed)) return { clientAborted: true };
    const failure = cut ?? (error instanceof GatewayError ? error : mapTransportError(error));
    if (!client.started) throw failure;
    transform.onBroken(failure);
    await flush();
  }
  client.end();
  return { clientAborted: false };
}

/**
 * Relays an upstream event stream through a transform that also assembles the answer, and records
 * the result in the request's outcome. Passthrough and translation differ only in the transform.
 */
export async function relayEventStream(
  response: { body: AsyncIterable<Buffer> },
  transform: StreamTransform & { assembled(): CanonicalResponse | undefined },
  client: ClientResponse,
  headers: Record<string, string>,
  attempt: UpstreamAttempt,
  signal: AbortSignal,
  outcome: RequestOutcome,
): Promise<void> {
  const result = await relayStream(response.body, transform, client, headers, (error) => upstreamTransportError(error, attempt.provider), signal, () => attempt.firstByteArrived());
  outcome.clientAborted = result.clientAborted;
  outcome.status = 200;
  outcome.assembled = transform.assembled();
}

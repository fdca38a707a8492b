import type { GatewayError } from '../errors/gateway-error.js';
import type { SseEvent, StreamPart } from './stream.js';
import type { CanonicalRequest, CanonicalResponse, TranslationWarning, WireFormat } from './types.js';

/** A value produced by a translation, with what it could not carry. */
export interface Translated<T> {
  value: T;
  warnings: TranslationWarning[];
}

/** What a writer needs to know about the conversation it writes for. */
export interface EncodeContext {
  /** The model name the client asked for; written back into responses and every stream event. */
  clientModel: string;
  /** The canonical request, so writers know e.g. which tools were `custom`. */
  request: CanonicalRequest;
}

/**
 * Reads one upstream stream, event by event, into canonical parts. Push-based
 * (not an async iterable) so the pipeline can feed the same parts to the
 * client writer and to the trace reducer without buffering.
 */
export interface StreamDecoder {
  /** Feeds one decoded SSE event; emits zero or more parts. */
  push(event: SseEvent): void;
  /** The upstream body ended. Emits an `error` part if the stream had no terminal event (and no `finish` or `error` was emitted yet). */
  end(): void;
}

/** Writes canonical parts as one client stream; emits framed SSE text (each string ends with a blank line). */
export interface StreamEncoder {
  push(part: StreamPart): void;
}

/**
 * Everything one wire format knows: read its requests/responses/streams into
 * the canonical model and write them back out. Pure: no Fastify, no undici.
 * One codec per format in src/formats/<format>/index.ts.
 */
export interface FormatCodec {
  format: WireFormat;
  /** Client request body (already JSON-parsed) -> canonical. Throws GatewayError(SB_REQUEST_INVALID) on a body that cannot be a request of this format. */
  decodeRequest(body: unknown): Translated<CanonicalRequest>;
  /** Canonical -> upstream request body for `upstreamModel` (for `openai-chat` streams this sets `stream_options.include_usage`). */
  encodeRequest(request: CanonicalRequest, upstreamModel: string): Translated<Record<string, unknown>>;
  /** Upstream non-streaming response body -> canonical. Throws GatewayError(SB_UPSTREAM_BAD_RESPONSE) on a body that is not a response. */
  decodeResponse(body: unknown): CanonicalResponse;
  /** Canonical -> client non-streaming response body. */
  encodeResponse(response: CanonicalResponse, context: EncodeContext): Record<string, unknown>;
  createStreamDecoder(emit: (part: StreamPart) => void): StreamDecoder;
  createStreamEncoder(context: EncodeContext, emit: (frame: string) => void): StreamEncoder;
  /** A gateway or relayed upstream error -> client error body (non-streaming). */
  encodeError(error: GatewayError): Record<string, unknown>;
  /**
   * The format's error event(s) for a stream that already started, framed as SSE.
   * Used on passthrough streams, where no StreamEncoder runs.
   */
  encodeStreamError(error: GatewayError, clientModel: string): string;
  /** Reads an upstream error body of this format. */
  decodeErrorBody(body: unknown): { type?: string; message: string } | undefined;
}

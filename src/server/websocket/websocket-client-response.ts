import { WebSocket } from 'ws';
import type { SseEvent } from '../../canonical/stream.js';
import type { ClientResponse } from '../../pipeline/client-response.js';
import { createSseParser, type SseParser } from '../../sse/sse-parser.js';
import { responsesStreamText, wholeResponseParts } from './responses-stream-text.js';

/** Bytes queued on the socket past which a write waits until its frames went out. */
const highWaterBytes = 256 * 1024;

/** How a response ended, as far as its terminal event says. */
export type ResponseEnd = 'completed' | 'incomplete' | 'failed';

/**
 * One answer written as Responses WebSocket frames: each event the pipeline
 * streams (framed as SSE, the same text an HTTP client gets) goes out as one
 * JSON text frame, its `data`; an error answer goes out as an `error` frame.
 * On the side it notes what the connection must remember of the response:
 * its id, how it ended and its output items (the `response.output_item.done`
 * items, exactly as the client got them and will assume the gateway keeps).
 */
export class WebSocketClientResponse implements ClientResponse {
  firstByteAt: number | undefined;
  responseId: string | undefined;
  ending: ResponseEnd | undefined;
  private readonly outputItems: Array<{ index: number; json: string }> = [];
  private readonly parser: SseParser;
  private finished = false;
  private readonly headers: Record<string, string>;
  private sentFrames = 0;
  private flushedFrames = 0;
  private drained: { frames: number; resolve: () => void } | undefined;

  constructor(
    private readonly socket: WebSocket,
    private readonly clientModel: string,
    headers: Record<string, string>,
  ) {
    this.headers = headers;
    this.parser = createSseParser((event) => this.forward(event));
  }

  get started(): boolean {
    return this.firstByteAt !== undefined;
  }

  get closed(): boolean {
    return this.finished || this.socket.readyState !== WebSocket.OPEN;
  }

  /** A frame has no head apart from its first event. */
  get headSent(): boolean {
    return this.started;
  }

  /** The WebSocket library closes stalled or broken connections itself; nothing here cuts one. */
  get failure(): undefined {
    return undefined;
  }

  /** The response's output items as JSON texts, in output order. */
  outputItemTexts(): string[] {
    return this.outputItems.sort((a, b) => a.index - b.index).map((item) => item.json);
  }

  setHeader(name: string, value: string): void {
    this.headers[name] = value;
  }

  /**
   * An error goes out as the `error` frame OpenAI's WebSocket sends and Codex
   * reads: the HTTP status it would have had, the OpenAI error object, and the
   * headers an HTTP client would have got (`x-switchboard-error-code` and
   * friends; Codex takes `retry-after` from there).
   */
  sendJson(status: number, body: string, extraHeaders?: Record<string, string>): void {
    if (this.closed) return;
    if (status < 400) {
      // A Responses upstream that answered the (always streamed) request with one JSON body: its events, as HTTP streams would carry them.
      const text = responsesStreamText(wholeResponseParts(body), this.clientModel);
      this.startStream();
      void this.write(text);
      this.end();
      return;
    }
    const headers = { ...this.headers, ...extraHeaders };
    const error = (JSON.parse(body) as { error?: Record<string, unknown> }).error ?? {};
    // Codex resends its full input on exactly this OpenAI code, and fails the turn on any other.
    if (headers['x-switchboard-error-code'] === 'SB_WEBSOCKET_PREVIOUS_RESPONSE_NOT_FOUND') error.code = 'previous_response_not_found';
    this.send(JSON.stringify({ type: 'error', status, error, headers }));
    this.finished = true;
  }

  startStream(): void {
    this.firstByteAt ??= performance.now();
  }

  write(text: string): Promise<void> | undefined {
    if (this.closed) return undefined;
    this.parser.push(text);
    if (this.socket.bufferedAmount <= highWaterBytes || this.flushedFrames >= this.sentFrames) return undefined;
    // Resolves once every frame sent so far went out (or the socket closed), so a slow client slows the upstream read.
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('close', done);
        this.drained = undefined;
        resolve();
      };
      this.drained = { frames: this.sentFrames, resolve: done };
      this.socket.once('close', done);
    });
  }

  end(): void {
    if (this.finished) return;
    this.parser.end();
    this.finished = true;
  }

  private forward(event: SseEvent): void {
    // OpenAI-compatible servers may end a stream with the SSE sentinel; it is no event.
    if (event.data === '[DONE]') return;
    this.send(event.data);
    this.note(event);
  }

  private send(data: string): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    this.firstByteAt ??= performance.now();
    this.sentFrames++;
    this.socket.send(data, this.onFlushed);
  }

  /** ws calls this once a frame was handed to the operating system (or failed with the socket). */
  private readonly onFlushed = (): void => {
    this.flushedFrames++;
    if (this.drained !== undefined && this.flushedFrames >= this.drained.frames) this.drained.resolve();
  };

  /** Reads the few events the connection must remember; every other event goes out unread. */
  private note(event: SseEvent): void {
    const type = event.event;
    if (type !== undefined && !remembered.has(type)) return;
    let parsed: { type?: unknown; response?: { id?: unknown }; item?: unknown; output_index?: unknown };
    try {
      parsed = JSON.parse(event.data) as typeof parsed;
    } catch {
      return;
    }
    switch (parsed.type) {
      case 'response.created':
        if (typeof parsed.response?.id === 'string') this.responseId = parsed.response.id;
        return;
      case 'response.output_item.done':
        if (typeof parsed.item === 'object' && parsed.item !== null) this.outputItems.push({ index: typeof parsed.output_index === 'number' ? parsed.output_index : this.outputItems.length, json: JSON.stringify(parsed.item) });
        return;
      case 'response.completed':
      case 'response.incomplete':
      case 'response.failed':
        this.ending = parsed.type.slice('response.'.length) as ResponseEnd;
        if (typeof parsed.response?.id === 'string') this.responseId = parsed.response.id;
        return;
      default:
        return;
    }
  }
}

/** Event names worth reading; a stream without `event:` lines is read event by event. */
const remembered = new Set(['response.created', 'response.output_item.done', 'response.completed', 'response.incomplete', 'response.failed']);

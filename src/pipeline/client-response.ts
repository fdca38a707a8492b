import type { ServerResponse } from 'node:http';
import { GatewayError } from '../errors/gateway-error.js';

/**
 * Where the pipeline writes one answer. HTTP writes it as the response to the
 * request; the Responses WebSocket writes it as frames on a connection that
 * outlives it. The pipeline needs two facts from either: whether anything was
 * sent (after that, no retry or fallback is allowed), and when the first byte
 * went out (the trace's `ttft_ms`).
 */
export interface ClientResponse {
  /** performance.now() of the first byte sent, if any. */
  readonly firstByteAt: number | undefined;
  /** True once something went out: the answer can no longer change. */
  readonly started: boolean;
  /** True when the client went away or the answer ended. */
  readonly closed: boolean;
  /** True once the status and headers reached the client (the status can no longer change). */
  readonly headSent: boolean;
  /** Set when the gateway, not the client, had to cut the connection (a head it could not write, a client that stopped reading). */
  readonly failure: GatewayError | undefined;
  setHeader(name: string, value: string): void;
  /** A whole answer (or an error) with its status and a JSON body. */
  sendJson(status: number, body: string, extraHeaders?: Record<string, string>): void;
  startStream(extraHeaders?: Record<string, string>): void;
  /** Writes framed SSE text; resolves when the client can take more (backpressure reaches the upstream read loop). */
  write(text: string): Promise<void> | undefined;
  end(): void;
}

/** The answer as the raw HTTP response to the client's request. */
export class HttpClientResponse implements ClientResponse {
  firstByteAt: number | undefined;
  /** Set when the gateway, not the client, had to cut the connection (a head it could not write, a client that stopped reading). */
  failure: GatewayError | undefined;
  private readonly headers: Record<string, string>;

  /**
   * @param sendTimeoutMs how long a write may stay unsent before the client counts as stalled
   *   (`server.send_timeout_ms`); unlimited when omitted.
   */
  constructor(
    private readonly raw: ServerResponse,
    headers: Record<string, string>,
    private readonly sendTimeoutMs = 0,
  ) {
    this.headers = {};
    for (const name in headers) this.setHeader(name, headers[name]!);
  }

  /** True once the answer began (its head written, or the attempt to write it failed): it can no longer change. */
  get started(): boolean {
    return this.firstByteAt !== undefined;
  }

  /** True once the response head reached the socket. */
  get headSent(): boolean {
    return this.raw.headersSent;
  }

  /** True when the client went away or the response ended. */
  get closed(): boolean {
    return this.raw.destroyed || this.raw.writableEnded;
  }

  /** Sets a header of the answer; the value is percent-encoded where Node would refuse it (it may carry config or client text). */
  setHeader(name: string, value: string): void {
    this.headers[name] = encodeHeaderValue(value);
  }

  sendJson(status: number, body: string, extraHeaders?: Record<string, string>): void {
    if (this.closed) return;
    if (!this.writeHead(status, { ...this.headers, ...extraHeaders, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) })) return;
    this.raw.end(body);
    if (!this.raw.writableFinished) void this.untilSent('finish');
  }

  startStream(extraHeaders?: Record<string, string>): void {
    const written = this.writeHead(200, {
      ...this.headers,
      ...extraHeaders,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      // Tells nginx-style proxies in front of the gateway not to buffer the stream.
      'x-accel-buffering': 'no',
    });
    // Sends the headers now, so time-to-first-byte is not held until the first event.
    if (written) this.raw.flushHeaders();
  }

  write(text: string): Promise<void> | undefined {
    if (this.closed) return undefined;
    if (this.raw.write(text)) return undefined;
    return this.untilSent('drain');
  }

  end(): void {
    if (!this.closed) this.raw.end();
  }

  /**
   * Resolves once the client took the buffered text (`drain`, or `finish` after the last write) or
   * the connection closed. A client that stops reading, with its socket still open, would otherwise
   * hold this stream and its upstream connection for as long as it likes (330 s were seen, far past
   * `idle_ms`, which only watches the provider): after `sendTimeoutMs` the socket is destroyed, and
   * its close aborts the upstream call.
   */
  private untilSent(event: 'drain' | 'finish'): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.raw.off(event, done);
        this.raw.off('close', done);
        resolve();
      };
      const timer =
        this.sendTimeoutMs > 0
          ? setTimeout(() => {
              this.failure = new GatewayError('SB_CLIENT_STALLED', `the client read nothing for ${this.sendTimeoutMs} ms (server.send_timeout_ms); the connection was closed`);
              this.raw.destroy();
            }, this.sendTimeoutMs)
          : undefined;
      this.raw.on(event, done);
      this.raw.on('close', done);
    });
  }

  /**
   * The answer counts as started from here on, whether or not the head could be written: a head
   * Node refuses (ERR_INVALID_CHAR) destroys the socket, so the client sees the connection close
   * instead of waiting on a socket that will never carry a byte.
   */
  private writeHead(status: number, headers: Record<string, string>): boolean {
    this.firstByteAt = performance.now();
    try {
      this.raw.writeHead(status, headers);
      return true;
    } catch (error) {
      this.failure = new GatewayError('SB_INTERNAL', `the response head could not be written: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      this.raw.destroy();
      return false;
    }
  }
}

/** Header text Node accepts: printable ASCII kept, anything else (non-ASCII, control characters) percent-encoded as UTF-8. */
export function encodeHeaderValue(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : value.replace(/[^\x20-\x7e]+/g, (run) => percentEncode(Buffer.from(run, 'utf8')));
}

function percentEncode(bytes: Buffer): string {
  let text = '';
  for (const byte of bytes) text += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return text;
}

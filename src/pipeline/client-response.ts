import type { ServerResponse } from 'node:http';

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
  private readonly headers: Record<string, string>;

  constructor(
    private readonly raw: ServerResponse,
    headers: Record<string, string>,
  ) {
    this.headers = headers;
  }

  get started(): boolean {
    return this.firstByteAt !== undefined;
  }

  get closed(): boolean {
    return this.raw.destroyed || this.raw.writableEnded;
  }

  setHeader(name: string, value: string): void {
    this.headers[name] = value;
  }

  sendJson(status: number, body: string, extraHeaders?: Record<string, string>): void {
    if (this.closed) return;
    this.firstByteAt = performance.now();
    this.raw.writeHead(status, { ...this.headers, ...extraHeaders, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
    this.raw.end(body);
  }

  startStream(extraHeaders?: Record<string, string>): void {
    this.firstByteAt = performance.now();
    this.raw.writeHead(200, {
      ...this.headers,
      ...extraHeaders,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      // Tells nginx-style proxies in front of the gateway not to buffer the stream.
      'x-accel-buffering': 'no',
    });
    // Sends the headers now, so time-to-first-byte is not held until the first event.
    this.raw.flushHeaders();
  }

  write(text: string): Promise<void> | undefined {
    if (this.closed) return undefined;
    if (this.raw.write(text)) return undefined;
    return new Promise((resolve) => {
      const done = (): void => {
        this.raw.off('drain', done);
        this.raw.off('close', done);
        resolve();
      };
      this.raw.on('drain', done);
      this.raw.on('close', done);
    });
  }

  end(): void {
    if (!this.closed) this.raw.end();
  }
}

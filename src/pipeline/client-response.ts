import type { ServerResponse } from 'node:http';

/**
 * The raw HTTP response to the client, with the two facts the pipeline needs:
 * whether any byte has been sent (after that, no retry or fallback is
 * allowed), and when the first one went out (the trace's `ttft_ms`).
 */
export class ClientResponse {
  /** performance.now() of the first byte sent, if any. */
  firstByteAt: number | undefined;
  private readonly headers: Record<string, string>;

  constructor(
    private readonly raw: ServerResponse,
    headers: Record<string, string>,
  ) {
    this.headers = headers;
  }

  /** True once headers went out: the answer can no longer change. */
  get started(): boolean {
    return this.firstByteAt !== undefined;
  }

  /** True when the client went away or the response ended. */
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

  /** Writes stream text; resolves when the client can take more (backpressure reaches the upstream read loop). */
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

import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake provider received. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: Record<string, unknown>;
  /** True once the gateway closed the connection before the reply ended. */
  aborted: boolean;
}

/** What the fake provider answers. SSE frames are written byte for byte as given. */
export type FakeReply =
  | { kind: 'json'; status?: number; headers?: Record<string, string>; body: unknown }
  | { kind: 'sse'; status?: number; headers?: Record<string, string>; frames: string[]; delayMs?: number; breakAfter?: number; hangAfter?: number }
  | { kind: 'hang' }
  | { kind: 'reset' };

export type FakeHandler = (request: RecordedRequest) => FakeReply | Promise<FakeReply>;

/**
 * A local upstream on a loopback port that speaks whatever wire format a
 * test scripts, byte for byte, and records what the gateway sent it.
 */
export class FakeProvider {
  readonly requests: RecordedRequest[] = [];
  private handler: FakeHandler = () => ({ kind: 'json', status: 500, body: { error: { message: 'no script' } } });
  private readonly server: Server;
  private readonly open = new Set<ServerResponse>();
  url = '';

  constructor() {
    this.server = createServer((incoming, response) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(rawBody) as Record<string, unknown>;
        } catch {
          // Recorded as empty; the test looks at rawBody.
        }
        const recorded: RecordedRequest = { method: incoming.method ?? '', url: incoming.url ?? '', headers: incoming.headers, rawBody, body, aborted: false };
        this.requests.push(recorded);
        response.on('close', () => {
          if (!response.writableFinished) recorded.aborted = true;
          this.open.delete(response);
        });
        this.open.add(response);
        void Promise.resolve(this.handler(recorded)).then((reply) => this.answer(response, reply));
      });
    });
  }

  async start(): Promise<this> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Sets how the provider answers from now on. */
  reply(handler: FakeHandler): void {
    this.handler = handler;
  }

  async close(): Promise<void> {
    for (const response of this.open) response.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async answer(response: ServerResponse, reply: FakeReply): Promise<void> {
    switch (reply.kind) {
      case 'json': {
        const text = JSON.stringify(reply.body);
        response.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
        response.end(text);
        return;
      }
      case 'sse': {
        response.writeHead(reply.status ?? 200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...reply.headers });
        // Real providers send the head at once; `hangAfter: 0` is then a provider that answers and goes silent.
        response.flushHeaders();
        for (let index = 0; index < reply.frames.length; index++) {
          if (response.destroyed) return;
          if (reply.breakAfter === index) {
            // Let the frames written so far reach the gateway before the connection dies.
            await new Promise((resolve) => setTimeout(resolve, 20));
            response.socket?.destroy();
            return;
          }
          if (reply.hangAfter === index) return;
          response.write(reply.frames[index]);
          if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
        }
        response.end();
        return;
      }
      case 'hang':
        return;
      case 'reset':
        response.socket?.destroy();
        return;
      default: {
        const unreachable: never = reply;
        throw new Error(`unknown reply ${JSON.stringify(unreachable)}`);
      }
    }
  }
}

/** Frames one SSE event as the real APIs do. */
export function sse(data: unknown, event?: string): string {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return event === undefined ? `data: ${text}\n\n` : `event: ${event}\ndata: ${text}\n\n`;
}

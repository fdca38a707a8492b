import { once } from 'node:events';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';

export type Frame = Record<string, unknown> & { type: string };

/**
 * Does this frame end a response? The terminal events, or an `error` frame with
 * an HTTP `status` (a refused request). A stream's own `error` event has no
 * status and is followed by `response.failed`.
 */
const isTerminal = (frame: Frame): boolean => ['response.completed', 'response.incomplete', 'response.failed'].includes(frame.type) || (frame.type === 'error' && 'status' in frame);

/**
 * A Responses WebSocket client for tests (the `ws` package, as the openai SDK
 * uses it): connects to `{gateway}/v1/responses`, sends frames and reads the
 * server's frames in order.
 */
export class ResponsesSocket {
  private readonly received: Frame[] = [];
  private readonly waiters: Array<() => void> = [];
  /** Resolves with the close code and reason once the connection is closed. */
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.received.push(JSON.parse(data.toString()) as Frame);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => {
      socket.once('close', (code, reason) => {
        for (const wake of this.waiters.splice(0)) wake();
        resolve({ code, reason: reason.toString() });
      });
    });
  }

  /**
   * Opens the socket; fails with the HTTP status and body when the upgrade is
   * refused, once the gateway closed the connection (a refused upgrade's socket
   * is no HTTP connection any more: nothing else would close it).
   */
  static async open(gatewayAddress: string, headers: Record<string, string>): Promise<ResponsesSocket> {
    const socket = new WebSocket(`${gatewayAddress.replace(/^http/, 'ws')}/v1/responses`, { headers });
    const refused = new Promise<never>((_, reject) => {
      socket.once('unexpected-response', (request: ClientRequest, response: IncomingMessage) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        const connection = request.socket!;
        const ended = once(response, 'end');
        const closed = connection.destroyed ? Promise.resolve() : once(connection, 'close');
        void Promise.all([ended, closed]).then(() => reject(new UpgradeRefused(response.statusCode ?? 0, response.headers, body)));
      });
      socket.once('error', reject);
    });
    await Promise.race([once(socket, 'open'), refused]);
    return new ResponsesSocket(socket);
  }

  send(frame: Record<string, unknown> | string): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Every frame received so far. */
  get frames(): readonly Frame[] {
    return this.received;
  }

  /** Waits for the frames of one response (up to and including its terminal event), counting from frame `from`. */
  async response(from: number): Promise<Frame[]> {
    for (;;) {
      const end = this.received.findIndex((frame, index) => index >= from && isTerminal(frame));
      if (end !== -1) return this.received.slice(from, end + 1);
      if (this.socket.readyState === WebSocket.CLOSED) throw new Error(`socket closed after ${JSON.stringify(this.received.slice(from))}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Sends a frame and waits for the frames that answer it. */
  async create(frame: Record<string, unknown>): Promise<Frame[]> {
    const from = this.received.length;
    this.send({ type: 'response.create', ...frame });
    return this.response(from);
  }

  async close(): Promise<void> {
    this.socket.close();
    await this.closed;
  }
}

export class UpgradeRefused extends Error {
  constructor(
    readonly status: number,
    readonly headers: IncomingMessage['headers'],
    readonly body: string,
  ) {
    super(`upgrade refused with ${status}: ${body}`);
  }
}

/** The `output_item.done` items of a response's events, as a client keeps them for its next request. */
export function outputItems(events: readonly Frame[]): unknown[] {
  return events.filter((event) => event.type === 'response.output_item.done').map((event) => event.item);
}

/** The `response.created` id of a response's events. */
export function responseIdOf(events: readonly Frame[]): string {
  const created = events.find((event) => event.type === 'response.created') as { response: { id: string } } | undefined;
  if (!created) throw new Error(`no response.created in ${JSON.stringify(events)}`);
  return created.response.id;
}

/** The events of a streamed `POST /v1/responses`, each SSE event's `data` parsed. */
export async function postResponsesStream(gatewayAddress: string, headers: Record<string, string>, body: Record<string, unknown>): Promise<{ status: number; events: Frame[] }> {
  const response = await fetch(`${gatewayAddress}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ ...body, stream: true }) });
  const text = await response.text();
  const events = text
    .split('\n\n')
    .map((block) => block.split('\n').find((line) => line.startsWith('data: ')))
    .filter((line): line is string => line !== undefined)
    .map((line) => JSON.parse(line.slice('data: '.length)) as Frame);
  return { status: response.status, events };
}

/**
 * Generated values made comparable: every id (`id`, `item_id`) becomes `id#N`
 * in order of first appearance, so two runs that generate different ids but
 * use them the same way compare equal, and `created_at` becomes 0.
 */
export function withStableIds<T>(value: T): T {
  const ids = new Map<string, string>();
  const walk = (node: unknown, key?: string): unknown => {
    if (Array.isArray(node)) return node.map((child) => walk(child));
    if (typeof node === 'object' && node !== null) return Object.fromEntries(Object.entries(node).map(([name, child]) => [name, walk(child, name)]));
    if (key === 'created_at' && typeof node === 'number') return 0;
    if ((key === 'id' || key === 'item_id') && typeof node === 'string') {
      if (!ids.has(node)) ids.set(node, `id#${ids.size}`);
      return ids.get(node);
    }
    return node;
  };
  return walk(value) as T;
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SseServer {
  url: string;
  /** What every request is answered with; tests may change it between requests. */
  body: string;
  close(): Promise<void>;
}

/** Serves a fixed SSE body on every request, so the vendor SDKs can read an encoder's output as they read the real APIs. */
export async function serveSse(body = ''): Promise<SseServer> {
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
      response.end(handle.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const handle: SseServer = {
    url: `http://127.0.0.1:${port}`,
    body,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return handle;
}

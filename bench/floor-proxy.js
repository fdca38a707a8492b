// @ts-check
/**
 * The reference floor: the least a Node reverse proxy can do. It relays method,
 * path, headers and body to one upstream over a keep-alive undici Pool and
 * writes the answer back chunk by chunk as it arrives. The request body is
 * read whole before it is sent on, as a gateway must to route it (streaming it
 * through instead makes undici send it chunked, which costs this floor about
 * three times the CPU). No auth, no routing, no parsing: what a
 * gateway adds above this is the cost of its own work.
 *
 * Usage: node bench/floor-proxy.js <upstream url>   (prints {"url": ...} on stdout)
 */
import { createServer } from 'node:http';
import { Pool } from 'undici';

const hopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'proxy-connection', 'upgrade', 'te', 'trailer']);
const upstream = new Pool(process.argv[2] ?? 'http://127.0.0.1:1', { connections: 256 });

/** @param {Record<string, string | string[] | undefined>} headers */
const endToEnd = (headers) => Object.fromEntries(Object.entries(headers).filter(([name]) => !hopByHop.has(name)));

const server = createServer(async (request, response) => {
  try {
    /** @type {Buffer[]} */
    const chunks = [];
    for await (const chunk of request) chunks.push(chunk);
    const answer = await upstream.request({ method: /** @type {import('undici').Dispatcher.HttpMethod} */ (request.method), path: request.url ?? '/', headers: endToEnd(request.headers), body: Buffer.concat(chunks) });
    response.writeHead(answer.statusCode, endToEnd(answer.headers));
    for await (const chunk of answer.body) response.write(chunk);
    response.end();
  } catch {
    if (!response.headersSent) response.writeHead(502);
    response.end();
  }
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${address.port}` })}\n`);
});
process.on('SIGTERM', () => process.exit(0));

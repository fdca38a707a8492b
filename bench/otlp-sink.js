// @ts-check
/**
 * The benchmark's OpenTelemetry collector: accepts OTLP/HTTP exports on
 * POST /v1/traces and throws them away, counting requests and bytes. Run as
 * its own process so its CPU is not the gateway's.
 *
 * Usage: node bench/otlp-sink.js   (prints {"url": ...} on stdout)
 * GET /__sink/stats gives {"requests": N, "bytes": N}.
 */
import { createServer } from 'node:http';

let requests = 0;
let bytes = 0;
const server = createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/__sink/stats') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ requests, bytes }));
    return;
  }
  request.on('data', (chunk) => {
    bytes += chunk.length;
  });
  request.on('end', () => {
    requests++;
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${address.port}` })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

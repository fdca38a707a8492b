import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IAnyValue, IKeyValue } from '@opentelemetry/otlp-transformer/build/src/common/internal-types.js';
import type { IExportTraceServiceRequest, ISpan } from '@opentelemetry/otlp-transformer/build/src/trace/internal-types.js';

/** A span as received, with its attributes as plain values and the resource it came with. */
export interface ReceivedSpan {
  span: ISpan;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
}

/**
 * An OTLP/HTTP trace receiver on a loopback port, for the JSON encoding
 * (`application/json`), typed with the OTLP definitions of
 * @opentelemetry/otlp-transformer. No OpenTelemetry Collector binary
 * installs from npm or Debian, so the tests check what a collector would
 * parse: the request shape, ids, times, attribute values.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly requests: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  /** `accept` answers 200; `hang` never answers (a collector that stalls). */
  mode: 'accept' | 'hang' = 'accept';
  url = '';
  readonly #events = new EventEmitter();
  readonly #server: Server;
  readonly #hanging = new Set<ServerResponse>();

  constructor() {
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (this.mode === 'hang') {
          this.#hanging.add(response);
          return;
        }
        const body = Buffer.concat(chunks).toString('utf8');
        this.requests.push({ headers: request.headers, body });
        if (request.url !== '/v1/traces' || request.headers['content-type'] !== 'application/json') {
          response.writeHead(415).end();
          return;
        }
        for (const span of decode(JSON.parse(body) as IExportTraceServiceRequest)) this.spans.push(span);
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        this.#events.emit('spans');
      });
    });
  }

  async start(): Promise<this> {
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  /** Resolves once `predicate` holds for the spans received so far. */
  async waitFor(predicate: (spans: ReceivedSpan[]) => boolean): Promise<ReceivedSpan[]> {
    while (!predicate(this.spans)) await once(this.#events, 'spans');
    return this.spans;
  }

  async close(): Promise<void> {
    for (const response of this.#hanging) response.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

function decode(request: IExportTraceServiceRequest): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    const resource = attributesOf(resourceSpans.resource?.attributes ?? []);
    for (const scope of resourceSpans.scopeSpans) {
      for (const span of scope.spans ?? []) {
        // The JSON encoding writes ids as hex and times as decimal strings of nanoseconds.
        if (!/^[0-9a-f]{32}$/.test(String(span.traceId)) || !/^[0-9a-f]{16}$/.test(String(span.spanId))) throw new Error(`malformed span ids: ${JSON.stringify(span)}`);
        if (!/^\d+$/.test(String(span.startTimeUnixNano)) || !/^\d+$/.test(String(span.endTimeUnixNano))) throw new Error(`malformed span times: ${JSON.stringify(span)}`);
        spans.push({ span, attributes: attributesOf(span.attributes), resource });
      }
    }
  }
  return spans;
}

function attributesOf(list: IKeyValue[]): Record<string, unknown> {
  return Object.fromEntries(list.map((entry) => [entry.key, valueOf(entry.value)]));
}

function valueOf(value: IAnyValue): unknown {
  if (value.stringValue !== undefined && value.stringValue !== null) return value.stringValue;
  if (value.boolValue !== undefined && value.boolValue !== null) return value.boolValue;
  if (value.intValue !== undefined && value.intValue !== null) return Number(value.intValue);
  if (value.doubleValue !== undefined && value.doubleValue !== null) return value.doubleValue;
  if (value.arrayValue) return value.arrayValue.values.map(valueOf);
  return undefined;
}

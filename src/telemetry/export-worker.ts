import { parentPort } from 'node:worker_threads';
import { RawJson } from '../traces/raw-json.js';
import type { TraceRecord } from '../traces/trace-record.js';
import { exportSucceeded, SpanPipeline } from './span-pipeline.js';
import type { ExportedRecord, FromWorker, ProviderAddresses, ToWorker } from './worker-messages.js';

/**
 * The OpenTelemetry export worker: spans are made, batched, serialised and
 * sent here, on a thread of their own, so that work (tens of microseconds
 * per request in the SDK and the OTLP serialiser) stays off the event loop
 * that serves requests. A changed setting replaces the pipeline; the old one
 * flushes in the background.
 */
const port = parentPort!;
let pipeline: SpanPipeline | undefined;
let addresses: ProviderAddresses = {};
const post = (message: FromWorker): void => port.postMessage(message);

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'configure': {
      const previous = pipeline;
      const url = message.settings.tracesUrl;
      addresses = message.addresses;
      pipeline = new SpanPipeline(message.settings, message.serviceVersion, {
        taken: (spans) => post({ type: 'taken', spans }),
        result: (spans, result) => post({ type: 'result', spans, ok: exportSucceeded(result), url, ...(result.error && { error: result.error.message }) }),
      });
      void previous?.shutdown().catch(() => undefined);
      return;
    }
    case 'addresses':
      addresses = message.addresses;
      return;
    case 'records':
      for (const record of message.records) pipeline?.export(withBodies(record), (provider) => addresses[provider]);
      return;
    case 'shutdown': {
      const deadline = new Promise<void>((resolve) => setTimeout(resolve, message.timeoutMs).unref());
      void Promise.race([pipeline?.shutdown().catch(() => undefined), deadline]).then(() => post({ type: 'stopped' }));
      return;
    }
    default: {
      const unhandled: never = message;
      return unhandled;
    }
  }
});

function withBodies(record: ExportedRecord): TraceRecord {
  const { requestJson, responseJson, ...rest } = record;
  return { ...rest, ...(requestJson !== undefined && { request: new RawJson(requestJson) }), ...(responseJson !== undefined && { response: new RawJson(responseJson) }) };
}

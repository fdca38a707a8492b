import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { Counter, type Registry } from 'prom-client';
import type { ConfigSnapshot, ResolvedOtel } from '../config/snapshot.js';
import type { Logger } from '../log/logger.js';
import { RawJson } from '../traces/raw-json.js';
import type { TraceRecord } from '../traces/trace-record.js';
import type { ExportedRecord, FromWorker, ProviderAddresses, ToWorker } from './worker-messages.js';

export interface OtelExportOptions {
  registry: Registry;
  logger: Logger;
}

/** Switchboard's own version, the spans' `service.version` (package.json sits two folders up from src/telemetry and dist/telemetry alike). */
const serviceVersion = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

/**
 * The worker runs compiled JavaScript: from dist/ it sits next to this file; when this file runs as
 * TypeScript (the tests load src/), the build in dist/ serves (`npm test` builds first).
 */
const workerUrl = new URL(import.meta.url.endsWith('.ts') ? '../../dist/telemetry/export-worker.js' : './export-worker.js', import.meta.url);

/** Records are handed to the worker in batches: one message per this many, or per `flushMs`. */
const batchRecords = 256;
const flushMs = 100;

/**
 * OpenTelemetry export of finished requests: one span per request and one
 * child span per upstream attempt, over OTLP/HTTP (JSON). It listens to the
 * same finished-request record as the trace writer, after the client got its
 * answer, and nothing it does can reach a request: records go in batches to
 * a worker thread that makes, batches and sends the spans; the spans not yet
 * taken by the exporter are bounded by `max_queue_size` (past it a request's
 * spans are dropped and counted, never waited for); a failing collector is
 * logged once, and once more when it works again.
 */
export class OtelExport {
  readonly #options: OtelExportOptions;
  #worker: Worker | undefined;
  #settings: ResolvedOtel | undefined;
  #settingsKey = '';
  #addressesKey = '';
  #pending: ExportedRecord[] = [];
  #timer: NodeJS.Timeout | undefined;
  /** Spans handed over (or pending) and not yet taken by the exporter. */
  #queued = 0;
  #failing = false;
  #stopped: (() => void) | undefined;
  readonly #dropped: Counter;
  readonly #exported: Counter;
  readonly #failed: Counter;

  constructor(options: OtelExportOptions) {
    this.#options = options;
    const counter = (name: string, help: string): Counter => new Counter({ name, help, registers: [options.registry] });
    this.#dropped = counter('switchboard_otel_spans_dropped_total', 'OpenTelemetry spans dropped because the export queue (otel.max_queue_size) was full.');
    this.#exported = counter('switchboard_otel_spans_exported_total', 'OpenTelemetry spans the collector accepted.');
    this.#failed = counter('switchboard_otel_spans_failed_total', 'OpenTelemetry spans whose export failed (collector down, refused or too slow).');
  }

  /** Whether listeners should hand over records with their bodies (content capture is on). */
  get wantsBodies(): boolean {
    return this.#settings?.captureContent ?? false;
  }

  /** Applies the config's `otel` settings, at start and after every reload: export starts, changes (the old exporter flushes in the background) or stops. */
  configure(snapshot: ConfigSnapshot): void {
    const settings = snapshot.otel;
    const key = settings === undefined ? '' : JSON.stringify(settings);
    const addresses = providerAddresses(snapshot);
    const addressesKey = JSON.stringify(addresses);
    if (key === this.#settingsKey) {
      if (addressesKey !== this.#addressesKey) this.#post({ type: 'addresses', addresses });
      this.#addressesKey = addressesKey;
      return;
    }
    this.#settingsKey = key;
    this.#addressesKey = addressesKey;
    this.#settings = settings;
    this.#failing = false;
    this.#options.logger.log('info', settings ? 'OpenTelemetry export on' : 'OpenTelemetry export off', settings ? { url: settings.tracesUrl, capture_content: settings.captureContent } : {});
    if (!settings) {
      void this.shutdown();
      return;
    }
    this.#worker ??= this.#startWorker();
    this.#post({ type: 'configure', settings, addresses, serviceVersion });
  }

  /** Exports one finished request. Never throws, never waits. */
  record(record: TraceRecord): void {
    const settings = this.#settings;
    if (!settings || !this.#worker) return;
    const spans = 1 + (record.attempts?.length ?? 0);
    if (this.#queued + spans > settings.maxQueueSize) {
      this.#dropped.inc(spans);
      return;
    }
    this.#queued += spans;
    this.#pending.push(exported(record, settings.captureContent));
    if (this.#pending.length >= batchRecords) this.#flush();
    else this.#timer ??= setTimeout(() => this.#flush(), flushMs).unref();
  }

  /** Sends what is queued, waiting at most `timeoutMs` (a collector that is down must not hold up a shutdown), and stops the worker. */
  async shutdown(timeoutMs = 2000): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    this.#flush();
    // From here a new configure() starts a new worker; this one only finishes sending.
    this.#worker = undefined;
    this.#settings = undefined;
    this.#settingsKey = '';
    this.#queued = 0;
    const stopped = new Promise<void>((resolve) => {
      this.#stopped = resolve;
      setTimeout(resolve, timeoutMs + 500).unref();
    });
    worker.postMessage({ type: 'shutdown', timeoutMs } satisfies ToWorker);
    await stopped;
    await worker.terminate();
  }

  #startWorker(): Worker {
    const worker = new Worker(workerUrl);
    // The gateway's own shutdown stops it; it never keeps the process alive by itself.
    worker.unref();
    worker.on('message', (message: FromWorker) => this.#hear(message));
    worker.on('error', (error) => {
      this.#options.logger.log('error', 'OpenTelemetry export worker failed; export is off until the next reload', { error: error.message });
      this.#worker = undefined;
      this.#settings = undefined;
      this.#settingsKey = '';
    });
    return worker;
  }

  #hear(message: FromWorker): void {
    switch (message.type) {
      case 'taken':
        this.#queued = Math.max(0, this.#queued - message.spans);
        return;
      case 'result':
        if (message.ok) {
          this.#exported.inc(message.spans);
          if (this.#failing) this.#options.logger.log('info', 'OpenTelemetry export works again', { url: message.url });
          this.#failing = false;
          return;
        }
        this.#failed.inc(message.spans);
        if (!this.#failing) {
          this.#options.logger.log('warn', 'OpenTelemetry export failing; requests are not affected, spans are dropped until the collector answers', { url: message.url, error: message.error ?? 'unknown' });
        }
        this.#failing = true;
        return;
      case 'stopped':
        this.#stopped?.();
        return;
      default: {
        const unhandled: never = message;
        return unhandled;
      }
    }
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.length === 0) return;
    this.#post({ type: 'records', records: this.#pending });
    this.#pending = [];
  }

  #post(message: ToWorker): void {
    this.#worker?.postMessage(message);
  }
}

/** The record for the worker: bodies as JSON text, and only when content is captured. */
function exported(record: TraceRecord, withBodies: boolean): ExportedRecord {
  const { request, response, ...metadata } = record;
  if (!withBodies) return metadata;
  const text = (body: unknown): string | undefined => (body === undefined || body === null ? undefined : body instanceof RawJson ? body.text : JSON.stringify(body));
  const requestJson = text(request);
  const responseJson = text(response);
  return { ...metadata, ...(requestJson !== undefined && { requestJson }), ...(responseJson !== undefined && { responseJson }) };
}

/** Host and port of each provider's base URL, for `server.address` on attempt spans. */
function providerAddresses(snapshot: ConfigSnapshot): ProviderAddresses {
  const addresses: ProviderAddresses = {};
  for (const provider of snapshot.providers.values()) {
    if (!provider.baseUrl) continue;
    const url = new URL(provider.baseUrl);
    addresses[provider.name] = { address: url.hostname, port: url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port) };
  }
  return addresses;
}

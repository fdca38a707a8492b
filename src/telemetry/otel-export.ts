import { createRequire } from 'node:module';
import { context, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { Counter, type Registry } from 'prom-client';
import type { ResolvedOtel } from '../config/snapshot.js';
import type { Logger } from '../log/logger.js';
import type { TraceRecord } from '../traces/trace-record.js';
import { requestSpans, type ProviderAddress, type SpanPlan } from './request-spans.js';

export interface OtelExportOptions {
  registry: Registry;
  logger: Logger;
  providerAddress: ProviderAddress;
  /** Milliseconds an export request may take before it counts as failed. Default 10 s. */
  exportTimeoutMs?: number;
  /** Milliseconds spans wait to be batched. Default 1 s. */
  batchDelayMs?: number;
}

/** Switchboard's own version, the spans' `service.version` (package.json sits two folders up from src/telemetry and dist/telemetry alike). */
const serviceVersion = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

/** One configured pipeline: SDK provider, batch processor, exporter. Replaced whole when the settings change. */
interface Pipeline {
  settings: ResolvedOtel;
  key: string;
  provider: BasicTracerProvider;
  tracer: Tracer;
  /** Spans handed to the processor and not yet taken by the exporter. */
  queued: number;
}

/**
 * OpenTelemetry export of finished requests: one span per request and one
 * child span per upstream attempt, sent over OTLP/HTTP (JSON) by the SDK's
 * BatchSpanProcessor. It listens to the same finished-request record as the
 * trace writer, after the client got its answer, and nothing it does can
 * reach a request: the queue is bounded (`max_queue_size`; spans past it are
 * dropped and counted), export runs in the background, a failing collector
 * is logged once (and once more when it recovers).
 */
export class OtelExport {
  readonly #options: OtelExportOptions;
  #pipeline: Pipeline | undefined;
  #failing = false;
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
    return this.#pipeline?.settings.captureContent ?? false;
  }

  /** Applies the `otel` settings (at start and on every reload): a change replaces the pipeline, and the old one flushes in the background. */
  configure(settings: ResolvedOtel | undefined): void {
    const key = settings === undefined ? '' : JSON.stringify(settings);
    if ((this.#pipeline?.key ?? '') === key) return;
    const previous = this.#pipeline;
    this.#pipeline = settings === undefined ? undefined : this.#start(settings, key);
    this.#failing = false;
    if (previous) void this.#stop(previous);
    this.#options.logger.log('info', settings ? 'OpenTelemetry export on' : 'OpenTelemetry export off', settings ? { url: settings.tracesUrl, capture_content: settings.captureContent } : {});
  }

  /** Exports one finished request. Never throws, never waits. */
  record(record: TraceRecord): void {
    const pipeline = this.#pipeline;
    if (!pipeline) return;
    const spans = requestSpans(record, { captureContent: pipeline.settings.captureContent, providerAddress: this.#options.providerAddress });
    const count = 1 + spans.attempts.length;
    if (pipeline.queued + count > pipeline.settings.maxQueueSize) {
      this.#dropped.inc(count);
      return;
    }
    pipeline.queued += count;
    const parent = startSpan(pipeline.tracer, spans.request);
    const parentContext = trace.setSpan(context.active(), parent);
    for (const attempt of spans.attempts) endSpan(startSpan(pipeline.tracer, attempt, parentContext), attempt);
    endSpan(parent, spans.request);
  }

  /** Sends what is queued, waiting at most `timeoutMs` (a collector that is down must not hold up a shutdown). */
  async shutdown(timeoutMs = 2000): Promise<void> {
    const pipeline = this.#pipeline;
    this.#pipeline = undefined;
    if (pipeline) await this.#stop(pipeline, timeoutMs);
  }

  #start(settings: ResolvedOtel, key: string): Pipeline {
    const exporter = new OTLPTraceExporter({ url: settings.tracesUrl, headers: { ...settings.headers }, timeoutMillis: this.#options.exportTimeoutMs ?? 10_000 });
    const pipeline = { settings, key, queued: 0 } as Pipeline;
    const processor = new BatchSpanProcessor(this.#watch(exporter, pipeline), {
      // The gate in record() keeps the processor's own queue below this; it never drops silently.
      maxQueueSize: settings.maxQueueSize,
      maxExportBatchSize: Math.min(512, settings.maxQueueSize),
      scheduledDelayMillis: this.#options.batchDelayMs ?? 1000,
      exportTimeoutMillis: (this.#options.exportTimeoutMs ?? 10_000) + 1000,
    });
    pipeline.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.serviceName, [ATTR_SERVICE_VERSION]: serviceVersion }),
      spanProcessors: [processor],
      // Captured prompts can be hundreds of KiB; a collector refuses requests past a few MiB.
      spanLimits: { attributeValueLengthLimit: 128 * 1024 },
    });
    pipeline.tracer = pipeline.provider.getTracer('switchboard', serviceVersion);
    return pipeline;
  }

  /** The exporter, counted: spans leave the queue when the processor hands them over, and each batch's result is tallied and logged on a change. */
  #watch(exporter: SpanExporter, pipeline: Pipeline): SpanExporter {
    return {
      export: (spans: ReadableSpan[], done: (result: ExportResult) => void) => {
        pipeline.queued -= spans.length;
        exporter.export(spans, (result) => {
          this.#tally(spans.length, result, pipeline.settings.tracesUrl);
          done(result);
        });
      },
      shutdown: () => exporter.shutdown(),
      forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
    };
  }

  #tally(spans: number, result: ExportResult, url: string): void {
    if (result.code === ExportResultCode.SUCCESS) {
      this.#exported.inc(spans);
      if (this.#failing) this.#options.logger.log('info', 'OpenTelemetry export works again', { url });
      this.#failing = false;
      return;
    }
    this.#failed.inc(spans);
    if (!this.#failing) {
      this.#options.logger.log('warn', 'OpenTelemetry export failing; requests are not affected, spans are dropped until the collector answers', { url, error: result.error?.message ?? 'unknown' });
    }
    this.#failing = true;
  }

  async #stop(pipeline: Pipeline, timeoutMs = 2000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      timer.unref();
    });
    await Promise.race([pipeline.provider.shutdown().catch(() => undefined), deadline]);
    clearTimeout(timer);
  }
}

function startSpan(tracer: Tracer, plan: SpanPlan, parent = context.active()): Span {
  return tracer.startSpan(plan.name, { kind: plan.kind === 'server' ? SpanKind.SERVER : SpanKind.CLIENT, startTime: plan.start, attributes: plan.attributes }, parent);
}

function endSpan(span: Span, plan: SpanPlan): void {
  if (plan.error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: plan.error });
  span.end(plan.end);
}

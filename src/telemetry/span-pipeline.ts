import { context, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { ResolvedOtel } from '../config/snapshot.js';
import type { TraceRecord } from '../traces/trace-record.js';
import { requestSpans, type ProviderAddress, type SpanPlan } from './request-spans.js';

/** What the pipeline reports: spans leaving its queue, and each export's result. */
export interface PipelineEvents {
  taken(spans: number): void;
  result(spans: number, result: ExportResult): void;
}

/** Milliseconds one export request may take before it counts as failed. */
const exportTimeoutMs = 10_000;

/**
 * The OpenTelemetry SDK set up for one `otel` setting: a tracer whose
 * BatchSpanProcessor sends batches to the OTLP/HTTP (JSON) exporter. Spans
 * are made from a finished request's record, with the start and end times
 * the request had.
 */
export class SpanPipeline {
  readonly #provider: BasicTracerProvider;
  readonly #tracer: Tracer;
  readonly #settings: ResolvedOtel;

  constructor(settings: ResolvedOtel, serviceVersion: string, events: PipelineEvents) {
    this.#settings = settings;
    const exporter = new OTLPTraceExporter({ url: settings.tracesUrl, headers: { ...settings.headers }, timeoutMillis: exportTimeoutMs });
    const processor = new BatchSpanProcessor(watched(exporter, events), {
      // The gateway gates what it sends here to this many spans not yet taken, so the processor never drops one silently.
      maxQueueSize: settings.maxQueueSize,
      maxExportBatchSize: Math.min(512, settings.maxQueueSize),
      scheduledDelayMillis: 1000,
      exportTimeoutMillis: exportTimeoutMs + 1000,
    });
    this.#provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.serviceName, [ATTR_SERVICE_VERSION]: serviceVersion }),
      spanProcessors: [processor],
      // Captured prompts can be hundreds of KiB; a collector refuses requests past a few MiB.
      ...(settings.captureContent && { spanLimits: { attributeValueLengthLimit: 128 * 1024 } }),
    });
    this.#tracer = this.#provider.getTracer('switchboard', serviceVersion);
  }

  /** The request span and its attempt spans, ended at once with the request's own times. */
  export(record: TraceRecord, providerAddress: ProviderAddress): void {
    const spans = requestSpans(record, { captureContent: this.#settings.captureContent, providerAddress });
    const parent = startSpan(this.#tracer, spans.request);
    const parentContext = trace.setSpan(context.active(), parent);
    for (const attempt of spans.attempts) endSpan(startSpan(this.#tracer, attempt, parentContext), attempt);
    endSpan(parent, spans.request);
  }

  /** Sends what is queued (the caller bounds how long it waits). */
  shutdown(): Promise<void> {
    return this.#provider.shutdown();
  }
}

/** The exporter, watched: spans leave the queue when the processor hands them over, and each batch's result is reported. */
function watched(exporter: SpanExporter, events: PipelineEvents): SpanExporter {
  return {
    export(spans: ReadableSpan[], done: (result: ExportResult) => void) {
      events.taken(spans.length);
      exporter.export(spans, (result) => {
        events.result(spans.length, result);
        done(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}

export function exportSucceeded(result: ExportResult): boolean {
  return result.code === ExportResultCode.SUCCESS;
}

function startSpan(tracer: Tracer, plan: SpanPlan, parent = context.active()): Span {
  return tracer.startSpan(plan.name, { kind: plan.kind === 'server' ? SpanKind.SERVER : SpanKind.CLIENT, startTime: plan.start, attributes: plan.attributes }, parent);
}

function endSpan(span: Span, plan: SpanPlan): void {
  if (plan.error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: plan.error });
  span.end(plan.end);
}

import type { Attributes } from '@opentelemetry/api';
import type { TraceAttempt, TraceRecord } from '../traces/trace-record.js';
import { contentAttributes } from './content-attributes.js';

/** One span to make: what the exporter hands to the SDK. */
export interface SpanPlan {
  name: string;
  kind: 'server' | 'client';
  /** Epoch milliseconds. */
  start: number;
  end: number;
  attributes: Attributes;
  /** Set for a failure the operator should see as one (never for the client's own mistakes). */
  error?: string;
}

/** The request span and, as its children, one span per upstream attempt. */
export interface RequestSpans {
  request: SpanPlan;
  attempts: SpanPlan[];
}

/** Where a provider is, for `server.address` on attempt spans. */
export type ProviderAddress = (provider: string) => { address: string; port: number } | undefined;

/**
 * The spans of one finished request, from its trace record, following the
 * OpenTelemetry GenAI semantic conventions (`gen_ai.*`) plus `switchboard.*`
 * for what only the gateway knows: key, profile, rule, config version.
 *
 * Attempt spans are laid back to back, ending when the request ended: the
 * record keeps each attempt's duration, not its start, and the answering
 * attempt is the one that runs to the end (a backoff wait falls before it).
 */
export function requestSpans(record: TraceRecord, options: { captureContent: boolean; providerAddress: ProviderAddress }): RequestSpans {
  const start = Date.parse(record.ts);
  const end = start + record.duration_ms;
  const extra = record as TraceRecord & { agent?: unknown; cost?: unknown };
  const attributes: Attributes = {
    'gen_ai.operation.name': 'chat',
    ...defined('gen_ai.provider.name', record.provider),
    // The name before gen_ai.provider.name, still what many backends group by.
    ...defined('gen_ai.system', record.provider),
    ...defined('gen_ai.request.model', record.model),
    ...defined('gen_ai.response.model', record.upstream_model),
    ...defined('gen_ai.request.max_tokens', record.max_tokens),
    ...defined('gen_ai.conversation.id', record.session),
    ...defined('gen_ai.agent.id', typeof extra.agent === 'string' ? extra.agent : null),
    ...usageAttributes(record),
    ...(record.stop_reason === null ? {} : { 'gen_ai.response.finish_reasons': [record.stop_reason] }),
    'http.request.method': 'POST',
    'http.response.status_code': record.status,
    'url.path': record.inbound.path,
    ...defined('error.type', record.error?.code),
    'switchboard.request_id': record.id,
    ...defined('switchboard.key', record.key),
    ...defined('switchboard.profile', record.profile),
    ...(record.rule ? { 'switchboard.rule': record.rule.match, 'switchboard.rule_index': String(record.rule.index) } : {}),
    'switchboard.config_version': record.config,
    'switchboard.inbound_format': record.inbound.format,
    'switchboard.stream': record.stream,
    ...defined('switchboard.ttft_ms', record.ttft_ms),
    ...defined('switchboard.cost_usd', costUsd(extra.cost)),
    ...(options.captureContent ? contentAttributes(record) : {}),
  };
  const failure = failureOf(record);
  const request: SpanPlan = { name: spanName(record.model), kind: 'server', start, end, attributes, ...(failure && { error: failure }) };
  return { request, attempts: attemptSpans(record, end, options.providerAddress) };
}

function attemptSpans(record: TraceRecord, end: number, providerAddress: ProviderAddress): SpanPlan[] {
  const attempts: TraceAttempt[] = record.attempts ?? [];
  const plans: SpanPlan[] = [];
  let attemptEnd = end;
  for (let index = attempts.length - 1; index >= 0; index--) {
    const attempt = attempts[index]!;
    const slash = attempt.target.indexOf('/');
    const provider = attempt.target.slice(0, slash);
    const model = attempt.target.slice(slash + 1);
    const answered = index === attempts.length - 1 && attempt.error === null;
    const server = providerAddress(provider);
    const errorCode = attempt.error === null ? undefined : attempt.error.split(':')[0]!;
    plans.unshift({
      name: spanName(model),
      kind: 'client',
      start: attemptEnd - attempt.duration_ms,
      end: attemptEnd,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': provider,
        'gen_ai.system': provider,
        'gen_ai.request.model': model,
        ...(answered ? { ...defined('gen_ai.response.model', record.upstream_model), ...usageAttributes(record) } : {}),
        ...defined('http.response.status_code', attempt.status),
        ...defined('error.type', errorCode),
        ...(server ? { 'server.address': server.address, 'server.port': server.port } : {}),
        'switchboard.attempt': index,
        'switchboard.target': attempt.target,
        ...(attempt.error?.startsWith('skipped') ? { 'switchboard.skipped': true } : {}),
      },
      ...(attempt.error !== null && { error: attempt.error }),
    });
    attemptEnd -= attempt.duration_ms;
  }
  return plans;
}

function usageAttributes(record: TraceRecord): Attributes {
  const usage = record.usage;
  if (!usage) return {};
  return {
    'gen_ai.usage.input_tokens': usage.input,
    'gen_ai.usage.output_tokens': usage.output,
    ...(usage.cache_read ? { 'gen_ai.usage.cache_read.input_tokens': usage.cache_read } : {}),
    ...(usage.cache_write ? { 'gen_ai.usage.cache_creation.input_tokens': usage.cache_write } : {}),
    ...(usage.reasoning ? { 'gen_ai.usage.reasoning.output_tokens': usage.reasoning } : {}),
  };
}

/** `{operation} {model}`, as the conventions name inference spans. */
function spanName(model: string | null): string {
  return model === null ? 'chat' : `chat ${model}`;
}

/**
 * An error status for what went wrong on the gateway's or a provider's side:
 * a 5xx, or an error recorded on an answer that started fine (a broken stream).
 * A refused key or a malformed body (4xx) and a client that went away (499)
 * are the client's business, as for any HTTP server span.
 */
function failureOf(record: TraceRecord): string | undefined {
  if (record.error === null) return undefined;
  if (record.status >= 500 || record.status < 400) return `${record.error.code}: ${record.error.message}`;
  return undefined;
}

function costUsd(cost: unknown): number | null {
  if (typeof cost === 'number') return cost;
  if (typeof cost === 'object' && cost !== null && typeof (cost as { usd?: unknown }).usd === 'number') return (cost as { usd: number }).usd;
  return null;
}

function defined(name: string, value: string | number | boolean | null | undefined): Attributes {
  return value === null || value === undefined ? {} : { [name]: value };
}

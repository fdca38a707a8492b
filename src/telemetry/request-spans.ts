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
  const attributes: Attributes = { 'gen_ai.operation.name': 'chat' };
  put(attributes, 'gen_ai.provider.name', record.provider);
  // The name before gen_ai.provider.name, still what many backends group by.
  put(attributes, 'gen_ai.system', record.provider);
  put(attributes, 'gen_ai.request.model', record.model);
  put(attributes, 'gen_ai.response.model', record.upstream_model);
  put(attributes, 'gen_ai.request.max_tokens', record.max_tokens);
  put(attributes, 'gen_ai.conversation.id', record.session);
  put(attributes, 'gen_ai.agent.id', typeof extra.agent === 'string' ? extra.agent : null);
  putUsage(attributes, record);
  if (record.stop_reason !== null) attributes['gen_ai.response.finish_reasons'] = [record.stop_reason];
  attributes['http.request.method'] = 'POST';
  attributes['http.response.status_code'] = record.status;
  attributes['url.path'] = record.inbound.path;
  put(attributes, 'error.type', record.error?.code);
  attributes['switchboard.request_id'] = record.id;
  put(attributes, 'switchboard.key', record.key);
  put(attributes, 'switchboard.profile', record.profile);
  if (record.rule) {
    attributes['switchboard.rule'] = record.rule.match;
    attributes['switchboard.rule_index'] = String(record.rule.index);
  }
  attributes['switchboard.config_version'] = record.config;
  attributes['switchboard.inbound_format'] = record.inbound.format;
  attributes['switchboard.stream'] = record.stream;
  put(attributes, 'switchboard.ttft_ms', record.ttft_ms);
  put(attributes, 'switchboard.cost_usd', costUsd(extra.cost));
  if (options.captureContent) Object.assign(attributes, contentAttributes(record));
  const failure = failureOf(record);
  const request: SpanPlan = { name: spanName(record.model), kind: 'server', start, end, attributes, ...(failure && { error: failure }) };
  return { request, attempts: attemptSpans(record, end, options.providerAddress) };
}

function attemptSpans(record: TraceRecord, end: number, providerAddress: ProviderAddress): SpanPlan[] {
  const attempts: TraceAttempt[] = record.attempts ?? [];
  const plans: SpanPlan[] = new Array<SpanPlan>(attempts.length);
  let attemptEnd = end;
  for (let index = attempts.length - 1; index >= 0; index--) {
    const attempt = attempts[index]!;
    const slash = attempt.target.indexOf('/');
    const provider = attempt.target.slice(0, slash);
    const model = attempt.target.slice(slash + 1);
    const attributes: Attributes = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': provider, 'gen_ai.system': provider, 'gen_ai.request.model': model };
    if (index === attempts.length - 1 && attempt.error === null) {
      put(attributes, 'gen_ai.response.model', record.upstream_model);
      putUsage(attributes, record);
    }
    put(attributes, 'http.response.status_code', attempt.status);
    if (attempt.error !== null) attributes['error.type'] = attempt.error.split(':')[0]!;
    const server = providerAddress(provider);
    if (server) {
      attributes['server.address'] = server.address;
      attributes['server.port'] = server.port;
    }
    attributes['switchboard.attempt'] = index;
    attributes['switchboard.target'] = attempt.target;
    if (attempt.error?.startsWith('skipped')) attributes['switchboard.skipped'] = true;
    plans[index] = { name: spanName(model), kind: 'client', start: attemptEnd - attempt.duration_ms, end: attemptEnd, attributes, ...(attempt.error !== null && { error: attempt.error }) };
    attemptEnd -= attempt.duration_ms;
  }
  return plans;
}

function putUsage(attributes: Attributes, record: TraceRecord): void {
  const usage = record.usage;
  if (!usage) return;
  attributes['gen_ai.usage.input_tokens'] = usage.input;
  attributes['gen_ai.usage.output_tokens'] = usage.output;
  if (usage.cache_read) attributes['gen_ai.usage.cache_read.input_tokens'] = usage.cache_read;
  if (usage.cache_write) attributes['gen_ai.usage.cache_creation.input_tokens'] = usage.cache_write;
  if (usage.reasoning) attributes['gen_ai.usage.reasoning.output_tokens'] = usage.reasoning;
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

/** Sets an attribute unless the value is null or absent (OpenTelemetry has no null). */
function put(attributes: Attributes, name: string, value: string | number | boolean | null | undefined): void {
  if (value !== null && value !== undefined) attributes[name] = value;
}

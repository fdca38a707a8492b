import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BudgetStatus } from '../limits/admission.js';
import type { ErrorCode } from '../errors/codes.js';
import type { FinishedRequest } from '../pipeline/finished-request.js';

/** Live values the metrics read when scraped. */
export interface MetricSources {
  inFlight(): number;
  inFlightStreams(): number;
  traceStats(): { linesWritten: number; linesDropped: number; bodiesDropped: number; writeFailures: number };
  providerUp(): Record<string, boolean>;
  /** Requests on each provider's connections and waiting for one. */
  poolUsage(): Record<string, { active: number; queued: number }>;
  /** Whether the limit store answers (always true for the in-process store). */
  limitStoreUp(): boolean;
  /** Budget readings, read from the limit store at scrape time. */
  budgets(): Promise<BudgetStatus[]>;
}

const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/**
 * Prometheus metrics. Labels are bounded by the config, never by what
 * clients send: `rule` is the matching rule's text from the profile (or
 * `default`/`none`), never the raw model name a client asked for, and there
 * are no request ids.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({ name: 'switchboard_requests_total', help: 'Requests by key, profile, rule, provider and HTTP status.', labelNames: ['key', 'profile', 'rule', 'provider', 'status'], registers: [this.registry] });
  private readonly duration = new Histogram({ name: 'switchboard_request_duration_seconds', help: 'Whole request duration, streams included.', labelNames: ['inbound', 'provider', 'stream'], buckets: latencyBuckets, registers: [this.registry] });
  private readonly ttft = new Histogram({ name: 'switchboard_ttft_seconds', help: 'Time to the first byte sent to the client.', labelNames: ['inbound', 'provider', 'stream'], buckets: latencyBuckets, registers: [this.registry] });
  private readonly attempts = new Counter({ name: 'switchboard_upstream_attempts_total', help: 'Upstream attempts by provider and result (ok, error, skipped).', labelNames: ['provider', 'result'], registers: [this.registry] });
  private readonly fallbacks = new Counter({ name: 'switchboard_fallbacks_total', help: 'Requests served by a target other than the first of their rule.', labelNames: ['profile', 'rule'], registers: [this.registry] });
  private readonly tokens = new Counter({ name: 'switchboard_tokens_total', help: 'Tokens by key, provider and kind (input, output, cache_read, cache_write, reasoning).', labelNames: ['key', 'provider', 'kind'], registers: [this.registry] });
  private readonly cost = new Counter({ name: 'switchboard_cost_usd_total', help: 'US dollars spent by key and provider, from reported usage and the price table.', labelNames: ['key', 'provider'], registers: [this.registry] });
  private readonly storeErrors = new Counter({ name: 'switchboard_limit_store_errors_total', help: 'Limit store calls that failed or timed out, by operation (admit, settle, renew, read).', labelNames: ['operation'], registers: [this.registry] });
  private readonly refusals = new Counter({ name: 'switchboard_refused_requests_total', help: 'Requests the gateway refused before routing (no or unknown key, limits, bad input, unknown path) by error code.', labelNames: ['code'], registers: [this.registry] });
  private readonly reloads = new Counter({ name: 'switchboard_config_reloads_total', help: 'Config reload attempts by result (applied, unchanged, refused).', labelNames: ['result'], registers: [this.registry] });

  constructor(sources: MetricSources) {
    collectDefaultMetrics({ register: this.registry, prefix: 'switchboard_process_' });
    const read = (name: string, help: string, kind: 'gauge' | 'counter', value: () => number): void => {
      const Metric = kind === 'gauge' ? Gauge : Counter;
      new Metric({
        name,
        help,
        registers: [this.registry],
        collect(this: Gauge | Counter) {
          // Counters kept elsewhere (the trace writer's) are copied in at scrape time.
          this.reset();
          this.inc(value());
        },
      });
    };
    read('switchboard_in_flight_requests', 'Requests in flight, streams included.', 'gauge', sources.inFlight);
    read('switchboard_in_flight_streams', 'Streaming requests in flight.', 'gauge', sources.inFlightStreams);
    read('switchboard_trace_lines_written_total', 'Trace lines written to disk.', 'counter', () => sources.traceStats().linesWritten);
    read('switchboard_trace_lines_dropped_total', 'Trace lines dropped because the disk could not keep up or failed.', 'counter', () => sources.traceStats().linesDropped);
    read('switchboard_trace_write_failures_total', 'Failed attempts to write trace lines (unwritable folder, full disk); the lines stay queued and are retried.', 'counter', () => sources.traceStats().writeFailures);
    read('switchboard_trace_bodies_dropped_total', 'Trace lines written without their bodies because the disk could not keep up.', 'counter', () => sources.traceStats().bodiesDropped);
    const usageGauge = (name: string, help: string, field: 'active' | 'queued'): void => {
      new Gauge({
        name,
        help,
        labelNames: ['provider'],
        registers: [this.registry],
        collect() {
          this.reset();
          for (const [provider, usage] of Object.entries(sources.poolUsage())) this.set({ provider }, usage[field]);
        },
      });
    };
    usageGauge('switchboard_upstream_active_requests', 'Requests holding one of the provider\'s pooled connections.', 'active');
    usageGauge('switchboard_upstream_queued_requests', 'Requests waiting for a free connection to the provider (bounded by max_pending and timeouts.queue_ms).', 'queued');
    read('switchboard_limit_store_up', '1 while the limit store (limits.store) answers.', 'gauge', () => (sources.limitStoreUp() ? 1 : 0));
    // The three budget gauges of one scrape share one read of the store.
    let lastRead: { at: number; budgets: Promise<BudgetStatus[]> } | undefined;
    const budgets = (): Promise<BudgetStatus[]> => {
      const now = Date.now();
      if (!lastRead || now - lastRead.at > 1000) lastRead = { at: now, budgets: sources.budgets().catch(() => []) };
      return lastRead.budgets;
    };
    const budgetGauge = (name: string, help: string, value: (budget: BudgetStatus) => number): void => {
      new Gauge({
        name,
        help,
        labelNames: ['scope', 'name', 'budget'],
        registers: [this.registry],
        async collect() {
          this.reset();
          // A store that does not answer leaves the budget gauges empty for this scrape; the error counter says why.
          for (const budget of await budgets()) this.set({ scope: budget.scope, name: budget.name, budget: budget.budget }, value(budget));
        },
      });
    };
    budgetGauge('switchboard_budget_limit', 'Budget per key or profile in its window (US dollars or tokens).', (budget) => budget.limit);
    budgetGauge('switchboard_budget_used', 'Spent in the current window (US dollars or tokens).', (budget) => budget.used);
    budgetGauge('switchboard_budget_remaining', 'Left in the current window (US dollars or tokens).', (budget) => budget.remaining);
    new Gauge({
      name: 'switchboard_provider_up',
      help: '1 while a provider is not marked down by its circuit breaker.',
      labelNames: ['provider'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [provider, up] of Object.entries(sources.providerUp())) this.set({ provider }, up ? 1 : 0);
      },
    });
  }

  /**
   * prom-client hashes a label object on every inc/observe; the children of label sets seen before
   * are kept here, found by one string key instead. Bounded by the config (see the class comment).
   */
  private readonly requestChildren = new Map<string, { inc(value?: number): void }>();
  private readonly tokenChildren = new Map<string, Record<'input' | 'output' | 'cacheRead' | 'cacheWrite' | 'reasoning' | 'cost', { inc(value: number): void }>>();
  private readonly timingChildren = new Map<string, { duration: { observe(value: number): void }; ttft: { observe(value: number): void } }>();

  recordStoreError(operation: string): void {
    this.storeErrors.inc({ operation });
  }

  private readonly refusalChildren = new Map<string, { inc(): void }>();

  /** Counts one refusal; `code` is one of the registry's, so the label set stays bounded. */
  recordRefusal(code: ErrorCode): void {
    let child = this.refusalChildren.get(code);
    if (!child) {
      child = this.refusals.labels({ code });
      this.refusalChildren.set(code, child);
    }
    child.inc();
  }

  recordReload(result: 'applied' | 'unchanged' | 'refused'): void {
    this.reloads.inc({ result });
  }

  /** Counts one finished request; runs after the client got its answer. */
  recordRequest(finished: FinishedRequest): void {
    const { outcome } = finished;
    const provider = outcome.provider ?? 'none';
    const rule = finished.route ? finished.route.match : 'none';
    const key = finished.keyName ?? 'none';
    const profile = finished.profile ?? 'none';
    const status = String(outcome.status);
    const requestKey = `${key}\u0000${profile}\u0000${rule}\u0000${provider}\u0000${status}`;
    let requestChild = this.requestChildren.get(requestKey);
    if (!requestChild) {
      requestChild = this.requests.labels({ key, profile, rule, provider, status });
      this.requestChildren.set(requestKey, requestChild);
    }
    requestChild.inc();
    const timingKey = `${finished.inbound.format}\u0000${provider}\u0000${finished.stream}`;
    let timing = this.timingChildren.get(timingKey);
    if (!timing) {
      const labels = { inbound: finished.inbound.format, provider, stream: String(finished.stream) };
      timing = { duration: this.duration.labels(labels), ttft: this.ttft.labels(labels) };
      this.timingChildren.set(timingKey, timing);
    }
    timing.duration.observe(finished.durationMs / 1000);
    if (finished.ttftMs !== null) timing.ttft.observe(finished.ttftMs / 1000);
    for (const attempt of outcome.attempts) {
      const attemptProvider = attempt.target.slice(0, attempt.target.indexOf('/'));
      this.attempts.inc({ provider: attemptProvider, result: attempt.error === null ? 'ok' : attempt.error.startsWith('skipped') ? 'skipped' : 'error' });
    }
    const first = finished.route?.targets[0];
    if (first && outcome.error === null && outcome.provider !== null && (first.provider !== outcome.provider || first.model !== outcome.upstreamModel)) {
      this.fallbacks.inc({ profile: finished.profile ?? 'none', rule });
    }
    const usage = outcome.usage;
    if (usage && finished.keyName !== null) {
      const tokenKey = `${key}\u0000${provider}`;
      let tokens = this.tokenChildren.get(tokenKey);
      if (!tokens) {
        const child = (kind: string): { inc(value: number): void } => this.tokens.labels({ key, provider, kind });
        tokens = { input: child('input'), output: child('output'), cacheRead: child('cache_read'), cacheWrite: child('cache_write'), reasoning: child('reasoning'), cost: this.cost.labels({ key, provider }) };
        this.tokenChildren.set(tokenKey, tokens);
      }
      tokens.input.inc(usage.inputTokens);
      tokens.output.inc(usage.outputTokens);
      if (usage.cacheReadTokens) tokens.cacheRead.inc(usage.cacheReadTokens);
      if (usage.cacheWriteTokens) tokens.cacheWrite.inc(usage.cacheWriteTokens);
      if (usage.reasoningTokens) tokens.reasoning.inc(usage.reasoningTokens);
      if (outcome.cost && outcome.cost.usd > 0) tokens.cost.inc(outcome.cost.usd);
    }
  }
}

import type { FastifyInstance } from 'fastify';
import { ConfigStore } from '../config/config-store.js';
import { OffThreadConfigLoader } from '../config/load-config-off-thread.js';
import type { ConfigSnapshot } from '../config/snapshot.js';
import { watchConfig, type ConfigWatcher } from '../config/watch-config.js';
import { Admission } from '../limits/admission.js';
import { createCounterStore } from '../limits/create-counter-store.js';
import type { Logger } from '../log/logger.js';
import { GatewayMetrics } from '../metrics/gateway-metrics.js';
import { GatewayError } from '../errors/gateway-error.js';
import { registerConsole } from '../console/console-routes.js';
import { LiveStats } from '../console/live-stats.js';
import { buildTraceRecord } from '../pipeline/build-trace-record.js';
import { priceOutcome } from '../pipeline/price-outcome.js';
import { settleOutcome } from '../pipeline/settle-outcome.js';
import { TraceSampler } from '../traces/trace-sampler.js';
import { OtelExport } from '../telemetry/otel-export.js';
import type { TraceRecord } from '../traces/trace-record.js';
import { TraceWriter } from '../traces/trace-writer.js';
import { DispatcherPool } from '../upstream/dispatcher-pool.js';
import { ProviderHealth } from '../upstream/provider-health.js';
import { createAdminServer } from './create-admin-server.js';
import { createGatewayServer } from './create-gateway-server.js';
import type { GatewayState } from './gateway-state.js';

const captureFull = { capture: 'full' } as const;
const captureMetadata = { capture: 'metadata' } as const;

export interface StartOptions {
  dir: string;
  snapshot: ConfigSnapshot;
  logger: Logger;
  host?: string;
  port?: number;
  strict?: boolean;
  /** Watch the config folder for changes (off in tests that reload by hand). */
  watch?: boolean;
  /** The admin listener (overrides `server.admin`). */
  admin?: { host: string; port: number };
  /** Reload in a worker thread, so parsing never blocks serving (`serve` does; needs the compiled dist/). */
  reloadOffThread?: boolean;
}

export interface RunningGateway {
  app: FastifyInstance;
  state: GatewayState;
  traces: TraceWriter;
  telemetry: OtelExport;
  /** `http://host:port` */
  address: string;
  /** `http://host:port` of the admin listener, when there is one. */
  adminAddress?: string;
  /** Drains: refuses new requests, waits for in-flight ones up to the drain deadline, flushes traces. */
  stop(reason?: string): Promise<void>;
}

/** After the drain deadline cut the requests in flight, how long their error events get to reach the clients. */
const drainCutGraceMs = 1000;

/** Trace lines per second for requests refused before a key was known (docs/traces.md); metrics count them all. */
const keylessTracesPerSecond = 1;

/** Wires config store, watcher, upstream pool, circuit breakers, trace writer and HTTP server together, and listens. */
export async function startGateway(options: StartOptions): Promise<RunningGateway> {
  const { dir, snapshot, logger } = options;
  const offThread = options.reloadOffThread ? new OffThreadConfigLoader() : undefined;
  const store = new ConfigStore(dir, snapshot, { strict: options.strict === true, logger, ...(offThread ? { load: offThread.load } : {}) });
  const traces = new TraceWriter(snapshot.traces, { onProblem: (message) => logger.log('error', 'trace writing problem; serving continues', { problem: message }) });
  const pool = new DispatcherPool();
  const health = new ProviderHealth();
  let storeUp = snapshot.limits.store === 'memory';
  const counterStore = await createCounterStore(snapshot.limits, logger, (up) => (storeUp = up));
  const storeErrorLog = new Map<string, number>();
  const admission = new Admission(counterStore, {
    storeError(operation, error, allowed) {
      metrics.recordStoreError(operation);
      // One line per operation per 10 s: an outage must not turn into a log line per request.
      const now = Date.now();
      if ((storeErrorLog.get(operation) ?? 0) > now - 10_000) return;
      storeErrorLog.set(operation, now);
      logger.log(allowed ? 'warn' : 'error', allowed ? 'limit store failed; serving without limits (limits.on_store_error: allow)' : 'limit store failed; refusing requests (limits.on_store_error: refuse)', {
        operation,
        store: store.current.limits.storeDisplay,
        error: error instanceof Error ? error.message : String(error),
      });
    },
  });
  const budgetStatus = () => admission.status(store.current.keysByName.values(), store.current.profiles.values(), store.current.limits);
  const keylessTraces = new TraceSampler(keylessTracesPerSecond);
  const metrics = new GatewayMetrics({
    inFlight: () => state.inFlight,
    inFlightStreams: () => state.inFlightStreams,
    traceStats: () => traces.stats(),
    poolUsage: () => pool.usage(),
    providerUp: () => Object.fromEntries([...store.current.providers.keys()].map((name) => [name, health.snapshot()[name]?.state !== 'down'])),
    limitStoreUp: () => storeUp,
    budgets: budgetStatus,
  });
  const telemetry = new OtelExport({ registry: metrics.registry, logger });
  telemetry.configure(snapshot);
  const live = new LiveStats();
  /**
   * One place finishes a request, everyone listens: the trace writer, OpenTelemetry and the
   * console's live figures all get the same record. Each listener is isolated from the others.
   */
  const listeners: Array<{ wants(): boolean; hear(record: TraceRecord): void; sampled: boolean }> = [
    { wants: () => store.current.traces.enabled, hear: (record) => traces.write(record), sampled: true },
    { wants: () => store.current.otel !== undefined, hear: (record) => telemetry.record(record), sampled: true },
    { wants: () => store.current.ui.enabled, hear: (record) => live.record(record), sampled: false },
  ];
  const state: GatewayState = {
    store,
    pool,
    health,
    admission,
    metrics,
    logger,
    draining: false,
    inFlight: 0,
    inFlightAborts: new Set(),
    inFlightStreams: 0,
    startedAt: new Date().toISOString(),
    recordRequest(finished, options) {
      // Bookkeeping after the answer went out: a failure here must never reach the request.
      try {
        settleOutcome(finished);
        // Priced at the prices in force when the request ends: a price change applies from the next finished request.
        priceOutcome(finished, store.current.prices);
        metrics.recordRequest(finished);
        if (!listeners.some((listener) => listener.wants())) return;
        const settings = store.current.traces;
        // Requests refused before a key was known: every one counted above, at most one a second written or exported.
        const sampledOut = options?.sampled === true && !keylessTraces.admit();
        // Bodies only when someone keeps them: the trace file (capture: full) or OpenTelemetry content capture.
        const withBodies = (settings.enabled && settings.capture === 'full') || telemetry.wantsBodies;
        const record = buildTraceRecord(finished, withBodies ? captureFull : captureMetadata);
        for (const listener of listeners) {
          if (!listener.wants() || (sampledOut && listener.sampled)) continue;
          try {
            listener.hear(record);
          } catch (error) {
            logger.log('error', 'a finished-request listener failed', { id: finished.id, error: error instanceof Error ? error.message : String(error) });
          }
        }
      } catch (error) {
        logger.log('error', 'could not record a finished request', { id: finished.id, error: error instanceof Error ? error.message : String(error) });
      }
    },
    async statusExtras() {
      const traceStats = () => ({ ...traces.stats(), keylessLinesSampledOut: keylessTraces.suppressed });
      const settings = store.current.limits;
      const limits = { store: settings.storeDisplay, store_up: storeUp, time_zone: settings.timeZone };
      try {
        const [keys, budgets] = await Promise.all([admission.keyCounters(store.current.keysByName.values(), settings), budgetStatus()]);
        return { traces: traceStats(), limits: { ...limits, keys }, budgets };
      } catch (error) {
        return { traces: traceStats(), limits, budgets: null, budgets_error: error instanceof Error ? error.message : String(error) };
      }
    },
  };
  store.onReloadResult((result) => metrics.recordReload(result));
  store.onSwap((next) => {
    traces.reconfigure(next.traces);
    telemetry.configure(next);
    pool.retainOnly(new Set(next.providers.keys()));
    app.server.keepAliveTimeout = next.server.keepAliveTimeoutMs;
    if (next.limits.store !== snapshot.limits.store) {
      logger.log('warn', 'limits.store changes take effect on restart', { store: next.limits.storeDisplay, serving_with: snapshot.limits.storeDisplay });
    }
    if (next.server.port !== snapshot.server.port || next.server.host !== snapshot.server.host) {
      logger.log('warn', 'server.host and server.port changes take effect on restart', { host: next.server.host, port: next.server.port });
    }
    if (JSON.stringify(next.server.admin) !== JSON.stringify(snapshot.server.admin)) {
      logger.log('warn', 'server.admin changes take effect on restart', { admin: next.server.admin ?? null });
    }
  });

  const app = createGatewayServer(state);
  // Registered whatever `ui.enabled` says, so a reload can turn the console on or off.
  await registerConsole(app, { state, live });
  const address = await app.listen({ host: options.host ?? snapshot.server.host, port: options.port ?? snapshot.server.port });
  const adminListener = options.admin ?? snapshot.server.admin;
  const adminApp = adminListener && createAdminServer(state);
  const adminAddress = adminApp ? await adminApp.listen({ host: adminListener.host, port: adminListener.port }) : undefined;
  offThread?.warm();
  const watcher: ConfigWatcher | undefined = options.watch === false ? undefined : await watchConfig(dir, (reason) => void store.reload(reason));

  let stopping: Promise<void> | undefined;
  const stop = (reason = 'stop'): Promise<void> => {
    stopping ??= (async () => {
      state.draining = true;
      const deadline = store.current.server.drainTimeoutMs;
      logger.log('info', 'draining', { reason, in_flight: state.inFlight, deadline_ms: deadline });
      let closeAll: NodeJS.Timeout | undefined;
      const force = setTimeout(() => {
        logger.log('warn', 'drain deadline passed; cutting what is still in flight', { in_flight: state.inFlight });
        // Streams end with the format's error event naming the cut (and are traced so), instead of a bare disconnect.
        const cut = new GatewayError('SB_GATEWAY_DRAINING', `the gateway shut down: the answer was cut at the drain deadline (server.drain_timeout_ms: ${deadline})`);
        for (const abort of state.inFlightAborts) abort.abort(cut);
        // A client that does not read its last bytes does not hold the exit up.
        closeAll = setTimeout(() => app.server.closeAllConnections(), drainCutGraceMs);
      }, deadline);
      // server.close() closes the connections idle at that moment only; one whose stream ends later
      // would stay open for keep_alive_timeout_ms (75 s), holding the drain. Close each once idle.
      const closeIdle = setInterval(() => app.server.closeIdleConnections(), 100);
      await watcher?.close();
      await offThread?.close();
      await app.close();
      clearInterval(closeIdle);
      clearTimeout(force);
      clearTimeout(closeAll);
      await pool.close();
      await counterStore.close();
      await traces.close();
      await telemetry.shutdown();
      // Last: /status and /metrics stay readable while the gateway drains.
      await adminApp?.close();
      logger.log('info', 'stopped', { traces: traces.stats() });
    })();
    return stopping;
  };
  return { app, state, traces, telemetry, address, ...(adminAddress === undefined ? {} : { adminAddress }), stop };
}

import type { FastifyInstance } from 'fastify';
import { ConfigStore } from '../config/config-store.js';
import type { ConfigSnapshot } from '../config/snapshot.js';
import { watchConfig, type ConfigWatcher } from '../config/watch-config.js';
import { KeyLimiter } from '../limits/key-limiter.js';
import type { Logger } from '../log/logger.js';
import { GatewayMetrics } from '../metrics/gateway-metrics.js';
import { registerConsole } from '../console/console-routes.js';
import { LiveStats } from '../console/live-stats.js';
import { buildTraceRecord } from '../pipeline/build-trace-record.js';
import { settleOutcome } from '../pipeline/settle-outcome.js';
import { OtelExport } from '../telemetry/otel-export.js';
import type { TraceRecord } from '../traces/trace-record.js';
import { TraceWriter } from '../traces/trace-writer.js';
import { DispatcherPool } from '../upstream/dispatcher-pool.js';
import { ProviderHealth } from '../upstream/provider-health.js';
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
}

export interface RunningGateway {
  app: FastifyInstance;
  state: GatewayState;
  traces: TraceWriter;
  telemetry: OtelExport;
  /** `http://host:port` */
  address: string;
  /** Drains: refuses new requests, waits for in-flight ones up to the drain deadline, flushes traces. */
  stop(reason?: string): Promise<void>;
}

/** Wires config store, watcher, upstream pool, circuit breakers, trace writer and HTTP server together, and listens. */
export async function startGateway(options: StartOptions): Promise<RunningGateway> {
  const { dir, snapshot, logger } = options;
  const store = new ConfigStore(dir, snapshot, { strict: options.strict === true, logger });
  const traces = new TraceWriter(snapshot.traces, { onProblem: (message) => logger.log('error', 'trace writing problem; serving continues', { problem: message }) });
  const pool = new DispatcherPool();
  const health = new ProviderHealth();
  const limiter = new KeyLimiter();
  const metrics = new GatewayMetrics({
    inFlight: () => state.inFlight,
    inFlightStreams: () => state.inFlightStreams,
    traceStats: () => traces.stats(),
    providerUp: () => Object.fromEntries([...store.current.providers.keys()].map((name) => [name, health.snapshot()[name]?.state !== 'down'])),
  });
  const telemetry = new OtelExport({ registry: metrics.registry, logger });
  telemetry.configure(snapshot);
  const live = new LiveStats();
  /**
   * One place finishes a request, everyone listens: the trace writer, OpenTelemetry and the
   * console's live figures all get the same record. Each listener is isolated from the others.
   */
  const listeners: Array<{ wants(): boolean; hear(record: TraceRecord): void }> = [
    { wants: () => store.current.traces.enabled, hear: (record) => traces.write(record) },
    { wants: () => store.current.otel !== undefined, hear: (record) => telemetry.record(record) },
    { wants: () => store.current.ui.enabled, hear: (record) => live.record(record) },
  ];
  const state: GatewayState = {
    store,
    pool,
    health,
    limiter,
    metrics,
    logger,
    draining: false,
    inFlight: 0,
    inFlightStreams: 0,
    startedAt: new Date().toISOString(),
    recordRequest(finished) {
      // Bookkeeping after the answer went out: a failure here must never reach the request.
      try {
        settleOutcome(finished);
        const usage = finished.outcome.usage;
        const key = finished.keyName === null ? undefined : store.current.keysByName.get(finished.keyName);
        if (usage && key) limiter.recordTokens(key, usage.inputTokens + usage.outputTokens);
        metrics.recordRequest(finished);
        if (!listeners.some((listener) => listener.wants())) return;
        const settings = store.current.traces;
        // Bodies only when someone keeps them: the trace file (capture: full) or OpenTelemetry content capture.
        const withBodies = (settings.enabled && settings.capture === 'full') || telemetry.wantsBodies;
        const record = buildTraceRecord(finished, withBodies ? captureFull : captureMetadata);
        for (const listener of listeners) {
          if (!listener.wants()) continue;
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
    statusExtras: () => ({ traces: traces.stats(), limits: limiter.snapshot() }),
  };
  store.onReloadResult((result) => metrics.recordReload(result));
  store.onSwap((next) => {
    traces.reconfigure(next.traces);
    telemetry.configure(next);
    pool.retainOnly(new Set(next.providers.keys()));
    if (next.server.port !== snapshot.server.port || next.server.host !== snapshot.server.host) {
      logger.log('warn', 'server.host and server.port changes take effect on restart', { host: next.server.host, port: next.server.port });
    }
  });

  const app = createGatewayServer(state);
  // Registered whatever `ui.enabled` says, so a reload can turn the console on or off.
  await registerConsole(app, { state, live });
  const address = await app.listen({ host: options.host ?? snapshot.server.host, port: options.port ?? snapshot.server.port });
  const watcher: ConfigWatcher | undefined = options.watch === false ? undefined : await watchConfig(dir, (reason) => void store.reload(reason));

  let stopping: Promise<void> | undefined;
  const stop = (reason = 'stop'): Promise<void> => {
    stopping ??= (async () => {
      state.draining = true;
      const deadline = store.current.server.drainTimeoutMs;
      logger.log('info', 'draining', { reason, in_flight: state.inFlight, deadline_ms: deadline });
      const force = setTimeout(() => {
        logger.log('warn', 'drain deadline passed; closing remaining connections', { in_flight: state.inFlight });
        app.server.closeAllConnections();
      }, deadline);
      await watcher?.close();
      await app.close();
      clearTimeout(force);
      await pool.close();
      await traces.close();
      await telemetry.shutdown();
      logger.log('info', 'stopped', { traces: traces.stats() });
    })();
    return stopping;
  };
  return { app, state, traces, telemetry, address, stop };
}

import type { FastifyInstance } from 'fastify';
import { ConfigStore } from '../config/config-store.js';
import { OffThreadConfigLoader } from '../config/load-config-off-thread.js';
import type { ConfigSnapshot } from '../config/snapshot.js';
import { watchConfig, type ConfigWatcher } from '../config/watch-config.js';
import { KeyLimiter } from '../limits/key-limiter.js';
import type { Logger } from '../log/logger.js';
import { GatewayMetrics } from '../metrics/gateway-metrics.js';
import { GatewayError } from '../errors/gateway-error.js';
import { buildTraceRecord } from '../pipeline/build-trace-record.js';
import { settleOutcome } from '../pipeline/settle-outcome.js';
import { TraceSampler } from '../traces/trace-sampler.js';
import { TraceWriter } from '../traces/trace-writer.js';
import { DispatcherPool } from '../upstream/dispatcher-pool.js';
import { ProviderHealth } from '../upstream/provider-health.js';
import { createAdminServer } from './create-admin-server.js';
import { createGatewayServer } from './create-gateway-server.js';
import type { GatewayState } from './gateway-state.js';

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
  const limiter = new KeyLimiter();
  const keylessTraces = new TraceSampler(keylessTracesPerSecond);
  const metrics = new GatewayMetrics({
    inFlight: () => state.inFlight,
    inFlightStreams: () => state.inFlightStreams,
    traceStats: () => traces.stats(),
    providerUp: () => Object.fromEntries([...store.current.providers.keys()].map((name) => [name, health.snapshot()[name]?.state !== 'down'])),
  });
  const state: GatewayState = {
    store,
    pool,
    health,
    limiter,
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
        const usage = finished.outcome.usage;
        const key = finished.keyName === null ? undefined : store.current.keysByName.get(finished.keyName);
        if (usage && key) limiter.recordTokens(key, usage.inputTokens + usage.outputTokens);
        metrics.recordRequest(finished);
        const settings = store.current.traces;
        if (settings.enabled && (options?.sampled !== true || keylessTraces.admit())) traces.write(buildTraceRecord(finished, settings));
      } catch (error) {
        logger.log('error', 'could not record a finished request', { id: finished.id, error: error instanceof Error ? error.message : String(error) });
      }
    },
    statusExtras: () => ({ traces: { ...traces.stats(), keylessLinesSampledOut: keylessTraces.suppressed }, limits: limiter.snapshot() }),
  };
  store.onReloadResult((result) => metrics.recordReload(result));
  store.onSwap((next) => {
    traces.reconfigure(next.traces);
    pool.retainOnly(new Set(next.providers.keys()));
    if (next.server.port !== snapshot.server.port || next.server.host !== snapshot.server.host) {
      logger.log('warn', 'server.host and server.port changes take effect on restart', { host: next.server.host, port: next.server.port });
    }
    if (JSON.stringify(next.server.admin) !== JSON.stringify(snapshot.server.admin)) {
      logger.log('warn', 'server.admin changes take effect on restart', { admin: next.server.admin ?? null });
    }
  });

  const app = createGatewayServer(state);
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
      await watcher?.close();
      await offThread?.close();
      await app.close();
      clearTimeout(force);
      clearTimeout(closeAll);
      await pool.close();
      await traces.close();
      // Last: /status and /metrics stay readable while the gateway drains.
      await adminApp?.close();
      logger.log('info', 'stopped', { traces: traces.stats() });
    })();
    return stopping;
  };
  return { app, state, traces, address, ...(adminAddress === undefined ? {} : { adminAddress }), stop };
}

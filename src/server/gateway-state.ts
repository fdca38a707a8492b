import type { ConfigStore } from '../config/config-store.js';
import type { Admission } from '../limits/admission.js';
import type { Logger } from '../log/logger.js';
import type { GatewayMetrics } from '../metrics/gateway-metrics.js';
import type { FinishedRequest } from '../pipeline/finished-request.js';
import type { DispatcherPool } from '../upstream/dispatcher-pool.js';
import type { ProviderHealth } from '../upstream/provider-health.js';

/** Everything the HTTP layer shares across requests. */
export interface GatewayState {
  store: ConfigStore;
  pool: DispatcherPool;
  health: ProviderHealth;
  logger: Logger;
  /** Per-key limits and key and profile budgets, counted in the configured store. */
  admission: Admission;
  metrics: GatewayMetrics;
  /**
   * Called once per request when it ends (success, error or client abort): writes the trace line and the
   * metrics. `sampled` (requests refused before a key was known) counts every one but traces at most one
   * line per second.
   */
  recordRequest(finished: FinishedRequest, options?: { sampled?: boolean }): void;
  /** Extra `/status` fields from parts the server does not own (traces, limits, budgets). */
  statusExtras(): Promise<Record<string, unknown>>;
  /** Set when SIGTERM arrived: new requests get 503, `/readyz` fails. */
  draining: boolean;
  /** Requests in flight (streams included). */
  inFlight: number;
  /** The abort controllers of model requests in flight: the drain deadline cuts them with its reason. */
  inFlightAborts: Set<AbortController>;
  /** Streaming requests in flight. */
  inFlightStreams: number;
  startedAt: string;
}

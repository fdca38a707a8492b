import type { ResolvedOtel } from '../config/snapshot.js';
import type { TraceRecord } from '../traces/trace-record.js';

/** A provider's host, for `server.address` on attempt spans. */
export type ProviderAddresses = Record<string, { address: string; port: number }>;

/**
 * A finished request as the export worker gets it: the trace record without
 * its bodies, which travel as JSON text (and only with content capture on),
 * since a structured clone keeps no class.
 */
export type ExportedRecord = Omit<TraceRecord, 'request' | 'response'> & { requestJson?: string; responseJson?: string };

/** From the gateway to the export worker. */
export type ToWorker =
  | { type: 'configure'; settings: ResolvedOtel; addresses: ProviderAddresses; serviceVersion: string }
  | { type: 'addresses'; addresses: ProviderAddresses }
  | { type: 'records'; records: ExportedRecord[] }
  | { type: 'shutdown'; timeoutMs: number };

/** From the export worker to the gateway. */
export type FromWorker =
  /** The batch processor handed `spans` to the exporter: they left the queue. */
  | { type: 'taken'; spans: number }
  | { type: 'result'; spans: number; ok: boolean; url: string; error?: string }
  | { type: 'stopped' };

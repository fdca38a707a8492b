import { Pool } from 'undici';
import type { ResolvedProvider } from '../config/snapshot.js';
import { ConnectionGate } from './connection-gate.js';

/** A provider's connection pool with its base URL split once: the origin for the pool, the path prefix for each request. */
export interface ProviderConnection {
  pool: Pool;
  /** Admission to the pool: bounds the requests waiting for a connection and how long they wait. */
  gate: ConnectionGate;
  /** Path part of `base_url` without a trailing slash (`/v1`, `/api/v1`, or empty). */
  pathPrefix: string;
}

/** Requests on a provider's connections and waiting for one. */
export interface PoolUsage {
  active: number;
  queued: number;
}

/**
 * One pooled keep-alive undici Pool per provider, talking to its origin
 * directly (no per-request URL parsing or Agent lookup). A reload that
 * changes a provider's URL or connection settings gets a fresh Pool; the old
 * one is closed gracefully, so requests already on it finish undisturbed.
 */
export class DispatcherPool {
  private readonly connections = new Map<string, { settings: string; connection: ProviderConnection }>();

  get(provider: ResolvedProvider): ProviderConnection {
    const settings = `${provider.baseUrl}|${provider.maxConnections}|${provider.maxPending}|${provider.timeouts.connectMs}|${provider.timeouts.idleMs}`;
    const existing = this.connections.get(provider.name);
    if (existing && existing.settings === settings) return existing.connection;
    const url = new URL(provider.baseUrl);
    const connection: ProviderConnection = {
      pool: new Pool(url.origin, {
        connections: provider.maxConnections,
        connect: { timeout: provider.timeouts.connectMs },
        // The attempt's own first-byte clock (UpstreamAttempt) bounds the wait for headers, queueing included.
        headersTimeout: 0,
        bodyTimeout: provider.timeouts.idleMs,
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 600_000,
      }),
      gate: new ConnectionGate(provider.name, provider.maxConnections, provider.maxPending),
      pathPrefix: url.pathname.replace(/\/+$/, ''),
    };
    this.connections.set(provider.name, { settings, connection });
    if (existing) void existing.connection.pool.close().catch(() => undefined);
    return connection;
  }

  /** Active and queued requests per provider that has been called since its pool was made. */
  usage(): Record<string, PoolUsage> {
    const usage: Record<string, PoolUsage> = {};
    for (const [name, { connection }] of this.connections) usage[name] = { active: connection.gate.active, queued: connection.gate.queued };
    return usage;
  }

  /** Closes the pools of providers that no longer exist. */
  retainOnly(names: ReadonlySet<string>): void {
    for (const [name, entry] of this.connections) {
      if (names.has(name)) continue;
      this.connections.delete(name);
      void entry.connection.pool.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const closing = [...this.connections.values()].map((entry) => entry.connection.pool.close().catch(() => undefined));
    this.connections.clear();
    await Promise.all(closing);
  }
}

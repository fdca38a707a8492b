import { Agent } from 'undici';
import type { ResolvedProvider } from '../config/snapshot.js';

/**
 * One pooled keep-alive undici Agent per provider. A reload that changes a
 * provider's connection settings gets a fresh Agent; the old one is closed
 * gracefully, so requests already on it finish undisturbed.
 */
export class DispatcherPool {
  private readonly agents = new Map<string, { settings: string; agent: Agent }>();

  get(provider: ResolvedProvider): Agent {
    const settings = `${provider.maxConnections}|${provider.timeouts.connectMs}|${provider.timeouts.firstByteMs}|${provider.timeouts.idleMs}`;
    const existing = this.agents.get(provider.name);
    if (existing && existing.settings === settings) return existing.agent;
    const agent = new Agent({
      connections: provider.maxConnections,
      connect: { timeout: provider.timeouts.connectMs },
      headersTimeout: provider.timeouts.firstByteMs,
      bodyTimeout: provider.timeouts.idleMs,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
    });
    this.agents.set(provider.name, { settings, agent });
    if (existing) void existing.agent.close().catch(() => undefined);
    return agent;
  }

  /** Closes agents of providers that no longer exist. */
  retainOnly(names: ReadonlySet<string>): void {
    for (const [name, entry] of this.agents) {
      if (names.has(name)) continue;
      this.agents.delete(name);
      void entry.agent.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const closing = [...this.agents.values()].map((entry) => entry.agent.close().catch(() => undefined));
    this.agents.clear();
    await Promise.all(closing);
  }
}

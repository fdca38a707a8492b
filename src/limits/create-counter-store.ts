import type { ResolvedLimits } from '../config/snapshot.js';
import type { Logger } from '../log/logger.js';
import type { CounterStore } from './counter-store.js';
import { MemoryStore } from './memory-store.js';

/**
 * The store `limits.store` names; `onStateChange` hears a Redis store going up or down. The Redis client
 * is loaded only when configured, so a single replica does not pay for it at startup.
 */
export async function createCounterStore(settings: ResolvedLimits, logger: Logger, onStateChange: (up: boolean) => void): Promise<CounterStore> {
  if (settings.store === 'memory') return new MemoryStore();
  const { RedisStore } = await import('./redis-store.js');
  return new RedisStore({
    url: settings.store,
    commandTimeoutMs: settings.storeTimeoutMs,
    onStateChange(up, error) {
      onStateChange(up);
      // storeDisplay keeps a password as its ${ENV} reference.
      if (up) logger.log('info', 'limit store connected', { store: settings.storeDisplay });
      else logger.log('warn', 'limit store disconnected; reconnecting in the background', { store: settings.storeDisplay, on_store_error: settings.onStoreError, error: error?.message });
    },
  });
}

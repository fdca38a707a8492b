import type { Logger } from '../log/logger.js';
import type { ConfigSnapshot } from './snapshot.js';
import { formatProblems, loadConfig, type ConfigProblem, type LoadOptions, type LoadResult } from './load-config.js';

/** How a reload reads the folder: `loadConfig`, or `loadConfigOffThread` when serving. */
export type ConfigLoader = (dir: string, options: LoadOptions) => Promise<LoadResult>;

export interface ReloadStatus {
  /** ISO time of the last reload attempt. */
  at: string;
  ok: boolean;
  /** Why it was attempted: `watch`, `SIGHUP`, `symlink`... */
  reason: string;
  /** Problems of a refused reload, exactly as `switchboard check` prints them. */
  problems?: ConfigProblem[];
}

/**
 * Holds the config that serves requests and swaps it atomically. A reload
 * loads and validates the whole folder; only a fully valid set replaces the
 * current snapshot, in one assignment. Requests keep the snapshot they
 * started with, so a swap never changes a request mid-flight. Reloads run one
 * at a time; a change arriving during a reload triggers one more afterwards.
 */
export class ConfigStore {
  private snapshot: ConfigSnapshot;
  private running: Promise<void> | undefined;
  private again: string | undefined;
  private readonly listeners: Array<(snapshot: ConfigSnapshot) => void> = [];
  private readonly resultListeners: Array<(result: 'applied' | 'unchanged' | 'refused') => void> = [];
  lastReload: ReloadStatus | undefined;
  /** The last refused reload, kept until a reload succeeds. */
  lastError: ReloadStatus | undefined;
  reloads = 0;
  reloadFailures = 0;

  constructor(
    readonly dir: string,
    initial: ConfigSnapshot,
    private readonly options: { strict?: boolean; logger: Logger; load?: ConfigLoader },
  ) {
    this.snapshot = initial;
  }

  get current(): ConfigSnapshot {
    return this.snapshot;
  }

  onSwap(listener: (snapshot: ConfigSnapshot) => void): void {
    this.listeners.push(listener);
  }

  /** Called after every reload attempt with what it did. */
  onReloadResult(listener: (result: 'applied' | 'unchanged' | 'refused') => void): void {
    this.resultListeners.push(listener);
  }

  /** Reloads now (or right after the reload in progress). Resolves when the folder has been read. */
  reload(reason: string): Promise<void> {
    if (this.running) {
      this.again = reason;
      return this.running;
    }
    this.running = this.runReloads(reason).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async runReloads(reason: string): Promise<void> {
    let next: string | undefined = reason;
    while (next !== undefined) {
      this.again = undefined;
      await this.reloadOnce(next);
      next = this.again;
    }
  }

  private async reloadOnce(reason: string): Promise<void> {
    const at = new Date().toISOString();
    this.options.logger.log('debug', 'config reload started', { reason });
    let result;
    try {
      result = await (this.options.load ?? loadConfig)(this.dir, this.options.strict ? { strict: true } : {});
    } catch (error) {
      result = { problems: [{ severity: 'error' as const, code: 'CFG_READ_FAILED', file: '.', line: 1, column: 1, message: error instanceof Error ? error.message : String(error) }] };
    }
    const { snapshot, problems } = result;
    if (!snapshot) {
      this.reloadFailures++;
      this.lastReload = { at, ok: false, reason, problems };
      this.lastError = this.lastReload;
      this.options.logger.log('error', 'config reload refused; the last good config keeps serving', {
        reason,
        version: this.snapshot.version,
        problems: formatProblems(problems, 'text', this.dir),
      });
      this.emitResult('refused', reason);
      return;
    }
    this.lastReload = { at, ok: true, reason };
    this.lastError = undefined;
    if (snapshot.version === this.snapshot.version) {
      this.emitResult('unchanged', reason);
      return;
    }
    const previous = this.snapshot.version;
    this.snapshot = snapshot;
    this.reloads++;
    this.options.logger.log('info', 'config reloaded', { reason, version: snapshot.version, previous });
    for (const listener of this.listeners) listener(snapshot);
    this.emitResult('applied', reason);
  }

  private emitResult(result: 'applied' | 'unchanged' | 'refused', reason: string): void {
    this.options.logger.log('debug', 'config reload finished', { reason, result });
    for (const listener of this.resultListeners) listener(result);
  }
}

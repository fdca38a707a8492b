import { Worker } from 'node:worker_threads';
import type { CheckRequest } from './load-config-worker.js';
import { compileChecked, type CheckedConfig, type LoadOptions, type LoadResult } from './load-config.js';

/** A worker that parses an absurd config (an alias bomb that slipped the checks) dies alone, not the gateway. */
const workerMemoryMb = 256;

type CheckAnswer = { id: number; checked: CheckedConfig } | { id: number; error: string };

/**
 * `loadConfig` with the slow part (reading, YAML parsing, every check) in a
 * worker thread, so a reload never stalls the requests being served: a
 * 470 KB profile took 30 s of checks, during which `/healthz` went
 * unanswered. The snapshot is compiled back on the calling thread.
 *
 * The thread is started by `warm()` (at launch) or the first reload, and stays
 * (unreferenced, so it never holds the process open): its modules and
 * compiled schemas are loaded once, and a reload costs what it costs
 * in-thread. Needs the compiled worker file next to this one (dist/), which
 * `serve` runs from.
 */
export class OffThreadConfigLoader {
  #worker: Worker | undefined;
  #nextId = 0;
  readonly #pending = new Map<number, { resolve(checked: CheckedConfig): void; reject(error: Error): void }>();

  /** A `ConfigLoader` for the config store. */
  readonly load = async (dir: string, options: LoadOptions = {}): Promise<LoadResult> => {
    const id = this.#nextId++;
    const request: CheckRequest = { id, dir, strict: options.strict ?? false, env: { ...(options.env ?? process.env) } };
    const checked = new Promise<CheckedConfig>((resolve, reject) => this.#pending.set(id, { resolve, reject }));
    this.#thread().postMessage(request);
    return compileChecked(await checked, options);
  };

  /** Starts the thread now, so the first reload finds its modules loaded and its schemas compiled. */
  warm(): void {
    this.#thread();
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  #thread(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(new URL('./load-config-worker.js', import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: workerMemoryMb } });
    worker.unref();
    worker.on('message', (answer: CheckAnswer) => {
      const waiting = this.#pending.get(answer.id);
      this.#pending.delete(answer.id);
      if ('checked' in answer) waiting?.resolve(answer.checked);
      else waiting?.reject(new Error(answer.error));
    });
    const fail = (error: Error): void => {
      // The next reload starts a fresh thread; the ones waiting on this one fail (the store keeps its config).
      if (this.#worker === worker) this.#worker = undefined;
      for (const waiting of this.#pending.values()) waiting.reject(error);
      this.#pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the config check thread stopped (exit code ${code})`)));
    this.#worker = worker;
    return worker;
  }
}

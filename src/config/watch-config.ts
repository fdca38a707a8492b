import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';

export interface ConfigWatcher {
  close(): Promise<void>;
}

/**
 * Calls `onChange` once after files of the config folder change, however
 * deployments change them:
 * - editors that write a temp file and rename it over the original (chokidar `atomic`);
 * - `git pull`/`git checkout` touching many files at once: events are debounced, so
 *   the reload reads the finished set, not the first file written;
 * - Kubernetes ConfigMaps and git-sync, which swap a symlink (`..data`, or the folder
 *   itself): inotify keeps watching the old target, so the real paths are also polled,
 *   and the watcher is re-aimed when they change.
 */
export function watchConfig(dir: string, onChange: (reason: string) => void, options: { debounceMs?: number; pollMs?: number } = {}): ConfigWatcher {
  const debounceMs = options.debounceMs ?? 150;
  const pollMs = options.pollMs ?? 500;
  const watchedPaths = [path.join(dir, 'gateway.yaml'), path.join(dir, 'profiles')];
  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  let pendingReason = 'watch';
  let closed = false;
  let lastRealPaths = '';

  const schedule = (reason: string): void => {
    if (closed) return;
    pendingReason = reason;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      onChange(pendingReason);
    }, debounceMs);
  };

  const startWatcher = (): void => {
    const previous = watcher;
    watcher = watch(watchedPaths, { ignoreInitial: true, atomic: true, depth: 1, followSymlinks: true });
    watcher.on('all', () => schedule('watch'));
    watcher.on('error', () => schedule('watch-error'));
    if (previous) void previous.close();
  };

  const readRealPaths = async (): Promise<string> => {
    const resolved = await Promise.all([dir, ...watchedPaths].map((entry) => realpath(entry).catch(() => '')));
    return resolved.join('\n');
  };

  const poll = setInterval(() => {
    void readRealPaths().then((current) => {
      if (closed || current === lastRealPaths) return;
      lastRealPaths = current;
      startWatcher();
      schedule('symlink');
    });
  }, pollMs);
  poll.unref();

  void readRealPaths().then((current) => {
    lastRealPaths = current;
  });
  startWatcher();

  return {
    async close() {
      closed = true;
      clearInterval(poll);
      if (timer) clearTimeout(timer);
      await watcher?.close();
    },
  };
}

import { readdir, realpath, stat } from 'node:fs/promises';
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
 *   itself): inotify keeps watching the old target, so the watcher is re-aimed when
 *   the real paths change.
 * Besides the events, a fingerprint of the folder (real paths, file names, sizes and
 * modification times) is polled, so a missed event (a write during the watcher's
 * start-up, file systems without inotify) still reloads within `pollMs`.
 * Resolves once the watcher is in effect.
 */
export async function watchConfig(dir: string, onChange: (reason: string) => void, options: { debounceMs?: number; pollMs?: number } = {}): Promise<ConfigWatcher> {
  const debounceMs = options.debounceMs ?? 150;
  const pollMs = options.pollMs ?? 500;
  const gatewayFile = path.join(dir, 'gateway.yaml');
  const profilesDir = path.join(dir, 'profiles');
  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  let pendingReason = 'watch';
  let closed = false;

  const schedule = (reason: string): void => {
    if (closed) return;
    pendingReason = reason;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      onChange(pendingReason);
    }, debounceMs);
  };

  const startWatcher = async (): Promise<void> => {
    const previous = watcher;
    const next = watch([gatewayFile, profilesDir], { ignoreInitial: true, atomic: true, depth: 1, followSymlinks: true });
    watcher = next;
    next.on('all', () => schedule('watch'));
    next.on('error', () => schedule('watch-error'));
    if (previous) void previous.close();
    await new Promise<void>((resolve) => next.once('ready', () => resolve()));
  };

  const realPaths = async (): Promise<string> => (await Promise.all([dir, gatewayFile, profilesDir].map((entry) => realpath(entry).catch(() => '')))).join('\n');

  const contentFingerprint = async (): Promise<string> => {
    const names = await readdir(profilesDir).catch(() => [] as string[]);
    const files = [gatewayFile, ...names.sort().map((name) => path.join(profilesDir, name))];
    const stats = await Promise.all(files.map((file) => stat(file).then((info) => `${file}:${info.size}:${info.mtimeMs}`, () => `${file}:-`)));
    return stats.join('\n');
  };

  let lastRealPaths = await realPaths();
  let lastFingerprint = await contentFingerprint();
  await startWatcher();

  let polling = false;
  const poll = setInterval(() => {
    if (polling || closed) return;
    polling = true;
    void (async () => {
      const [paths, fingerprint] = await Promise.all([realPaths(), contentFingerprint()]);
      if (closed) return;
      if (paths !== lastRealPaths) {
        lastRealPaths = paths;
        lastFingerprint = fingerprint;
        await startWatcher();
        schedule('symlink');
      } else if (fingerprint !== lastFingerprint) {
        lastFingerprint = fingerprint;
        schedule('poll');
      }
    })().finally(() => {
      polling = false;
    });
  }, pollMs);
  poll.unref();

  return {
    async close() {
      closed = true;
      clearInterval(poll);
      if (timer) clearTimeout(timer);
      await watcher?.close();
    },
  };
}

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger, type Logger } from '../../src/log/logger.js';
import { startGateway, type RunningGateway } from '../../src/server/start-gateway.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Starts the gateway in this process on a free loopback port (a real Fastify server). */
export async function startInProcess(dir: string, options: { watch?: boolean; logger?: Logger } = {}): Promise<RunningGateway> {
  const loaded = await loadConfig(dir);
  if (!loaded.snapshot) throw new Error(`test config is invalid: ${JSON.stringify(loaded.problems)}`);
  return startGateway({ dir, snapshot: loaded.snapshot, logger: options.logger ?? silentLogger, host: '127.0.0.1', port: 0, watch: options.watch ?? false });
}

export interface GatewayProcess {
  url: string;
  child: ChildProcess;
  /** Every stderr log line so far, parsed. */
  logs: Array<Record<string, unknown>>;
  waitForLog(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `switchboard serve` as a real child process (the compiled CLI in dist/). */
export async function startProcess(dir: string, extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/switchboard.js'), 'serve', '--config-dir', dir, '--port', '0', '--host', '127.0.0.1', ...extraArgs], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  const waiters: Array<{ predicate: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }> = [];
  let buffer = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    buffer += chunk;
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const text = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        line = { message: text };
      }
      logs.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.predicate(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitForLog = (predicate: (line: Record<string, unknown>) => boolean, timeoutMs = 15_000): Promise<Record<string, unknown>> => {
    const found = logs.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching log line within ${timeoutMs} ms; logs: ${JSON.stringify(logs)}`)), timeoutMs);
      waiters.push({ predicate, resolve: (line) => (clearTimeout(timer), resolve(line)) });
      void exited.then(() => reject(new Error(`gateway exited; logs: ${JSON.stringify(logs)}`)));
    });
  };
  let started: Record<string, unknown>;
  try {
    started = await waitForLog((line) => line.message === 'switchboard serving');
  } catch (error) {
    // A gateway that did not come up in time must not outlive the test as an orphan.
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url: String(started.address),
    child,
    logs,
    waitForLog,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

// @ts-check
/**
 * Starting the benchmark's processes (fake provider, floor proxy, gateway) and
 * reading their memory and CPU from /proc.
 */
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * @typedef {object} Service
 * @property {string} name
 * @property {string} url
 * @property {import('node:child_process').ChildProcess} child
 * @property {() => Promise<void>} stop
 */

/**
 * Spawns a node script and waits for the line its readiness is announced in.
 * @param {string} name
 * @param {string[]} args node arguments, script first
 * @param {(line: string) => string | undefined} readyUrl finds the URL in a stdout/stderr line
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {Promise<Service>}
 */
export function startNode(name, args, readyUrl, env = {}) {
  const child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  /** @type {string[]} */
  const output = [];
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${name} did not start within 20 s:\n${output.join('\n')}`)), 20_000);
    /** @param {Error} error */
    const fail = (error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const onLine = (/** @type {string} */ line) => {
      if (output.length < 200) output.push(line);
      const url = readyUrl(line);
      if (url === undefined) return;
      clearTimeout(timer);
      resolve({
        name,
        url,
        child,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(killer);
        },
      });
    };
    for (const stream of [child.stdout, child.stderr]) {
      let buffer = '';
      stream.setEncoding('utf8');
      stream.on('data', (/** @type {string} */ chunk) => {
        buffer += chunk;
        let newline;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          onLine(buffer.slice(0, newline));
          buffer = buffer.slice(newline + 1);
        }
      });
    }
    child.once('exit', (code, signal) => fail(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${output.join('\n')}`)));
  });
}

/** @param {string} line */
const urlOfJsonLine = (line) => {
  try {
    const parsed = JSON.parse(line);
    return typeof parsed.url === 'string' ? parsed.url : undefined;
  } catch {
    return undefined;
  }
};

export function startFakeProvider() {
  return startNode('fake provider', [path.join(repoRoot, 'bench/fake-provider.js')], urlOfJsonLine);
}

export function startOtlpSink() {
  return startNode('OTLP sink', [path.join(repoRoot, 'bench/otlp-sink.js')], urlOfJsonLine);
}

/** @param {string} upstreamUrl */
export function startFloorProxy(upstreamUrl) {
  return startNode('floor proxy', [path.join(repoRoot, 'bench/floor-proxy.js'), upstreamUrl], urlOfJsonLine);
}

/**
 * `switchboard serve` on a config folder, as a separate process.
 * @param {string} name
 * @param {string} configDir
 * @param {{ nodeArgs?: string[], env?: NodeJS.ProcessEnv, bin?: string | undefined }} [options] `bin`: another build's bin/switchboard.js, to compare two builds
 */
export function startGatewayProcess(name, configDir, options = {}) {
  const args = [...(options.nodeArgs ?? []), options.bin ?? path.join(repoRoot, 'bin/switchboard.js'), 'serve', '--config-dir', configDir, '--host', '127.0.0.1', '--port', '0', '--no-watch'];
  return startNode(name, args, (line) => {
    try {
      const parsed = JSON.parse(line);
      return parsed.message === 'switchboard serving' && typeof parsed.address === 'string' ? parsed.address : undefined;
    } catch {
      return undefined;
    }
  }, options.env);
}

let clockTicks = 0;
function ticksPerSecond() {
  if (clockTicks === 0) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/**
 * Memory and CPU of a process from /proc (Linux). Undefined elsewhere.
 * @param {number | undefined} pid
 * @returns {{ rssMiB: number, peakRssMiB: number, cpuSeconds: number } | undefined}
 */
export function processUsage(pid) {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (/** @type {string} */ field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { rssMiB: kib('VmRSS') / 1024, peakRssMiB: kib('VmHWM') / 1024, cpuSeconds: ticks / ticksPerSecond() };
  } catch {
    return undefined;
  }
}

/**
 * Resets the kernel's peak-RSS mark (VmHWM) so a later reading is the peak of
 * what came after. Returns false where that is not possible.
 * @param {number | undefined} pid
 */
export function resetPeakRss(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

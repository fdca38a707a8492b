import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { repoRoot } from '../helpers/gateway-under-test.js';

/**
 * Running the real Claude Code and Codex binaries, installed from npm as
 * pinned devDependencies, as child processes of a test.
 */

export type ClientName = 'claude' | 'codex';

const packageOf: Record<ClientName, string> = { claude: '@anthropic-ai/claude-code', codex: '@openai/codex' };

/** A client binary that runs on this machine. */
export interface RealClient {
  command: string;
  prefixArgs: string[];
  /** What `--version` printed. */
  version: string;
  /** The version package.json pins. */
  pinned: string;
}

/** The version package.json pins for the client's npm package. */
export function pinnedVersion(name: ClientName): string {
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  return manifest.devDependencies[packageOf[name]]!;
}

/**
 * Where the binary is. Claude Code's npm package ships `bin/claude.exe` as a
 * stub that its postinstall replaces with the native binary of the platform
 * package; when install scripts were skipped the stub only prints a hint, so
 * the platform package's binary itself is the fallback.
 */
function candidates(name: ClientName): Array<{ command: string; prefixArgs: string[] }> {
  const bin = path.join(repoRoot, 'node_modules', '.bin', name);
  if (name === 'codex') return [{ command: process.execPath, prefixArgs: [path.join(repoRoot, 'node_modules', '@openai', 'codex', 'bin', 'codex.js')] }];
  const found = [{ command: bin, prefixArgs: [] }];
  const require = createRequire(path.join(repoRoot, 'package.json'));
  for (const suffix of ['', '-musl']) {
    try {
      const manifest = require.resolve(`@anthropic-ai/claude-code-${process.platform}-${process.arch}${suffix}/package.json`);
      found.push({ command: path.join(path.dirname(manifest), process.platform === 'win32' ? 'claude.exe' : 'claude'), prefixArgs: [] });
    } catch {
      // Not installed for this platform: npm skips optional dependencies that do not match it.
    }
  }
  return found;
}

/**
 * Finds the client and checks that `--version` runs here. A client that
 * cannot run throws, so its test file fails with the reason: the end-to-end
 * tests are how the gateway is known to work with the real clients, and a
 * skipped one would let CI pass without that proof.
 */
export function requireClient(name: ClientName): RealClient {
  const pinned = pinnedVersion(name);
  const reasons: string[] = [];
  for (const candidate of candidates(name)) {
    if (candidate.prefixArgs.length === 0 && !existsSync(candidate.command)) {
      reasons.push(`${candidate.command}: not installed`);
      continue;
    }
    const result = spawnSync(candidate.command, [...candidate.prefixArgs, '--version'], { encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH ?? '' } });
    if (result.error) {
      reasons.push(`${candidate.command}: ${result.error.message}`);
      continue;
    }
    if (result.status !== 0) {
      reasons.push(`${candidate.command}: --version exited ${result.status}: ${(result.stderr || result.stdout).trim().slice(0, 300)}`);
      continue;
    }
    return { ...candidate, version: result.stdout.trim(), pinned };
  }
  throw new Error(
    `${packageOf[name]}@${pinned} cannot run on ${process.platform}-${process.arch}, so its end-to-end tests cannot run (they never skip): ${reasons.join('; ')}. ` +
      'Run `npm install` (with install scripts allowed) on a platform the client supports.',
  );
}

export interface ClientRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/** Runs the client to completion (stdin closed), killing its whole process group after `timeoutMs`. */
export async function runClient(client: RealClient, args: string[], options: { cwd: string; env: Record<string, string>; timeoutMs: number }): Promise<ClientRun> {
  const child = spawn(client.command, [...client.prefixArgs, ...args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    // The Codex wrapper and Claude Code both start children (the native binary, the shell tool): end the group.
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  }, options.timeoutMs);
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  return { code, signal, timedOut, stdout, stderr };
}

/** What a failed assertion should show: how the client ended and the end of what it printed. */
export function describeRun(run: ClientRun): string {
  const tail = (text: string): string => (text.length > 4000 ? `…${text.slice(-4000)}` : text);
  return `exit ${run.code}${run.signal ? ` (${run.signal})` : ''}${run.timedOut ? ', timed out' : ''}\n--- stdout\n${tail(run.stdout)}\n--- stderr\n${tail(run.stderr)}`;
}

/**
 * A proxy that refuses everything and remembers what was tried. The clients
 * get it as HTTP(S)_PROXY with loopback exempted, so any request that is not
 * for the gateway (telemetry, update checks, a vendor API) lands here instead
 * of leaving the machine.
 */
export class StrayTrafficTrap {
  readonly attempts: string[] = [];
  private readonly server: Server;
  url = '';

  constructor() {
    this.server = createServer((request, response) => {
      this.attempts.push(`${request.method} ${request.url}`);
      response.writeHead(403).end();
    });
    this.server.on('connect', (request, socket) => {
      this.attempts.push(`CONNECT ${request.url}`);
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    });
  }

  async start(): Promise<this> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Proxy variables in both spellings; loopback (the gateway) goes direct. */
  env(): Record<string, string> {
    const noProxy = '127.0.0.1,localhost,::1';
    return { HTTP_PROXY: this.url, HTTPS_PROXY: this.url, ALL_PROXY: this.url, http_proxy: this.url, https_proxy: this.url, all_proxy: this.url, NO_PROXY: noProxy, no_proxy: noProxy };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * The environment a client starts from: nothing of the developer's own (no
 * real keys, no real home), only PATH, locale and bash as the shell (the
 * proof command needs `$RANDOM`, which dash lacks).
 */
export function isolatedEnv(home: string): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', HOME: home, SHELL: '/bin/bash', LANG: 'C.UTF-8', TERM: 'dumb', NO_COLOR: '1' };
}

/**
 * The shell command the fake provider asks for. `$RANDOM` is expanded by the
 * client's shell, so the value in proof.txt is known only to a shell that ran:
 * finding it in the next upstream request proves the tool ran and its output
 * travelled back through the gateway.
 */
export const proofCommand = 'echo sb-e2e-$RANDOM$RANDOM > proof.txt && cat proof.txt';

/** The proof value the command wrote in `dir`, or undefined when it never ran. */
export function readProof(dir: string): string | undefined {
  const file = path.join(dir, 'proof.txt');
  if (!existsSync(file)) return undefined;
  return readFileSync(file, 'utf8').trim();
}

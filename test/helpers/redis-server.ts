import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A real `redis-server` on a free loopback port, in a temporary folder, with
 * persistence off. `npm test` installs the Debian package when it is missing
 * (scripts/system-deps.sh); a machine without it fails the test that needs it.
 */
export class RedisServer {
  port = 0;
  url = '';
  #child: ChildProcess | undefined;
  #dir = '';
  /** Everything the server printed, for failure messages. */
  output = '';

  async start(): Promise<this> {
    this.#dir ||= await mkdtemp(path.join(tmpdir(), 'switchboard-redis-'));
    this.port ||= await freePort();
    this.url = `redis://127.0.0.1:${this.port}`;
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.#dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        this.output += chunk.toString('utf8');
        if (this.output.includes('Ready to accept connections')) resolve();
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('error', (error) => reject(new Error(`redis-server could not start (is the Debian package redis-server installed?): ${error.message}`)));
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code} before it was ready:\n${this.output}`)));
    });
    return this;
  }

  /** Kills the server (SIGKILL: what a crash looks like to clients) and waits for it to be gone. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  /** Kills and starts it again on the same port, empty (persistence is off). */
  async restart(): Promise<void> {
    await this.kill();
    this.output = '';
    await this.start();
  }

  async stop(): Promise<void> {
    await this.kill();
    if (this.#dir) await rm(this.#dir, { recursive: true, force: true });
  }
}

/** A TCP port nothing listens on right now (the kernel's pick for port 0). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

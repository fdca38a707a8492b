import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { baseConfig, makeTempDir, writeConfig } from '../helpers/test-config.js';

/**
 * Behind a load balancer that keeps idle connections for 60 s, a gateway that closes them sooner
 * (Node's own default is 5 s) races the balancer's next request on the same connection: sporadic 502s.
 */
describe('keep-alive of client connections', () => {
  let gateway: RunningGateway | undefined;
  let temp: { dir: string; remove(): Promise<void> } | undefined;
  afterEach(async () => {
    await gateway?.stop();
    await temp?.remove();
  });

  const start = async (server: Record<string, unknown>): Promise<RunningGateway> => {
    temp = await makeTempDir();
    const config = baseConfig({}, { rules: [], default: 'mock/echo' });
    config.gateway.server = { ...(config.gateway.server as object), ...server };
    await writeConfig(temp.dir, config);
    gateway = await startInProcess(temp.dir);
    return gateway;
  };

  /** Opens a connection and answers one GET /healthz on it. */
  const openWithOneRequest = async (address: string): Promise<{ socket: Socket; ask(): Promise<string> }> => {
    const socket = connect(Number(new URL(address).port), '127.0.0.1');
    await once(socket, 'connect');
    socket.setEncoding('utf8');
    const ask = async (): Promise<string> => {
      socket.write('GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
      const [chunk] = (await once(socket, 'data')) as [string];
      return chunk.split('\r\n')[0]!;
    };
    expect(await ask()).toBe('HTTP/1.1 200 OK');
    return { socket, ask };
  };

  it('keeps an idle connection open past Node\'s 5 s default by default', async () => {
    const { address } = await start({});
    const { socket, ask } = await openWithOneRequest(address);
    let closed = false;
    socket.once('close', () => (closed = true));
    // The idle period is the scenario itself: longer than Node's default keep-alive of 5 s.
    await sleep(6000);
    expect(closed).toBe(false);
    expect(await ask()).toBe('HTTP/1.1 200 OK');
    socket.destroy();
  });

  it('closes an idle connection after server.keep_alive_timeout_ms', async () => {
    const { address } = await start({ keep_alive_timeout_ms: 1000 });
    const { socket } = await openWithOneRequest(address);
    socket.resume();
    await once(socket, 'close');
  });
});

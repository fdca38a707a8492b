import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import type { TraceRecord } from '../../src/traces/trace-record.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { adminHeaders, baseConfig, makeTempDir, testSecrets, writeConfig } from '../helpers/test-config.js';

/**
 * Anyone who can reach the port can send requests without a key. They are
 * counted, but must not fill the trace files: a small retention window would
 * otherwise rotate the real traffic out of it.
 */
describe('requests without a valid key', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: RunningGateway;
  const tracesDir = (): string => path.join(temp.dir, 'traces');

  beforeAll(async () => {
    temp = await makeTempDir();
    const config = baseConfig({}, { rules: [], default: 'mock/echo' });
    // A small window: one rotated file of 100 KiB besides the current one.
    config.gateway.traces = { dir: 'traces', max_file_mb: 0.1, max_files: 1, rotate_every: 'never' };
    await writeConfig(temp.dir, config);
    gateway = await startInProcess(temp.dir);
  });
  afterAll(async () => {
    await gateway.stop();
    await temp.remove();
  });

  const scrapeRefusals = async (code: string): Promise<number> => {
    const text = await (await fetch(`${gateway.address}/metrics`, { headers: adminHeaders })).text();
    const line = text.split('\n').find((entry) => entry.startsWith(`switchboard_refused_requests_total{code="${code}"}`));
    return line === undefined ? 0 : Number(line.split(' ').at(-1));
  };

  const allLines = async (): Promise<TraceRecord[]> => {
    await gateway.traces.flush();
    const lines: TraceRecord[] = [];
    for (const name of await readdir(tracesDir())) {
      const text = await readFile(path.join(tracesDir(), name), 'utf8');
      lines.push(...text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as TraceRecord));
    }
    return lines;
  };

  it('are counted by code, while sampled trace lines with a cut user-agent leave real traffic in the window', async () => {
    const legit = await fetch(`${gateway.address}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${testSecrets.alice}` },
      body: JSON.stringify({ model: 'gpt-5', messages: [{ role: 'user', content: 'keep me' }] }),
    });
    expect(legit.status).toBe(200);
    const legitId = legit.headers.get('x-switchboard-request-id')!;
    const missingBefore = await scrapeRefusals('SB_AUTH_MISSING_KEY');
    const invalidBefore = await scrapeRefusals('SB_AUTH_INVALID_KEY');

    const userAgent = `flood/${'A'.repeat(14 * 1024)}`;
    const perKind = 300;
    let index = 0;
    const worker = async (): Promise<void> => {
      while (index < 2 * perKind) {
        const keyless = index++ % 2 === 0;
        const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': userAgent };
        if (!keyless) headers.authorization = 'Bearer sb-not-a-key';
        const response = await fetch(`${gateway.address}/v1/chat/completions`, { method: 'POST', headers, body: '{}' });
        expect(response.status).toBe(401);
        await response.arrayBuffer();
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));

    expect((await scrapeRefusals('SB_AUTH_MISSING_KEY')) - missingBefore).toBe(perKind);
    expect((await scrapeRefusals('SB_AUTH_INVALID_KEY')) - invalidBefore).toBe(perKind);
    const lines = await allLines();
    expect(lines.map((line) => line.id)).toContain(legitId);
    const refusals = lines.filter((line) => line.status === 401);
    // Sampled: the first refusal is recorded, a flood is not (at most one line per second).
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.length).toBeLessThan(perKind / 10);
    for (const refusal of refusals) expect(refusal.user_agent!.length).toBeLessThanOrEqual(256);
  });
});

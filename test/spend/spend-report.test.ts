import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceWriter } from '../../src/traces/trace-writer.js';
import { repoRoot } from '../helpers/gateway-under-test.js';
import { makeTempDir, makeRecord, traceSettings } from '../traces/trace-fixtures.js';

const run = promisify(execFile);

async function switchboard(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [path.join(repoRoot, 'bin/switchboard.js'), ...args]);
  return stdout;
}

describe('switchboard traces stats: spend per key, profile, model, provider and session', () => {
  let temp: { dir: string; cleanup(): Promise<void> };

  beforeAll(async () => {
    temp = await makeTempDir('sb-spend-report-');
    const writer = new TraceWriter(traceSettings(temp.dir));
    const now = Date.now();
    const line = (ago: number, key: string, session: string, usd: number | null, extra: Record<string, unknown> = {}) =>
      writer.write(
        makeRecord({
          ts: new Date(now - ago).toISOString(),
          key,
          session,
          usage: { input: 1000, output: 100, cache_read: 0, cache_write: 0, reasoning: 0 },
          cost: usd === null ? null : { usd, input: usd / 2, output: usd / 2, cache_read: 0, cache_write: 0, ...extra },
        }),
      );
    line(3_600_000, 'ci-agent', 'sess-a', 0.1);
    line(7_200_000, 'ci-agent', 'sess-a', 0.2);
    line(86_400_000, 'ci-agent', 'sess-b', 0.3, { estimated: true });
    line(86_400_000, 'alice', 'sess-c', 0.05);
    line(86_400_000, 'alice', 'sess-c', null);
    // Older than the week asked for.
    line(9 * 86_400_000, 'alice', 'sess-old', 100);
    await writer.close();
  });
  afterAll(() => temp?.cleanup());

  it('sums requests, tokens and cost per key since a time, as JSON lines for jq', async () => {
    const groups = (await switchboard('traces', 'stats', '--traces-dir', temp.dir, '--by', 'key', '--since', '7d', '--format', 'jsonl'))
      .trim()
      .split('\n')
      .map((text) => JSON.parse(text) as { group: string; requests: number; tokens: { input: number }; cost: { usd: number; estimated: number; unpriced: number } });
    expect(groups.map((group) => [group.group, group.requests, group.tokens.input, group.cost])).toEqual([
      ['ci-agent', 3, 3000, { usd: 0.6, estimated: 1, unpriced: 0 }],
      ['alice', 2, 2000, { usd: 0.05, estimated: 0, unpriced: 1 }],
    ]);
  });

  it('groups by session, and shows the cost in the table', async () => {
    const table = await switchboard('traces', 'stats', '--traces-dir', temp.dir, '--by', 'session', '--since', '7d', '--format', 'table');
    expect(table).toMatch(/^SESSION\s+REQUESTS.*TOKENS in\/out\/cache-read\/cache-write\/reasoning\s+COST$/m);
    expect(table).toMatch(/^sess-a\s+2\s.*\$0\.3000$/m);
    expect(table).toMatch(/^sess-c\s+2\s.*\$0\.0500 \(\+1 unpriced\)$/m);
    expect(table).not.toContain('sess-old');
  });
});

import { execFile, spawn } from 'node:child_process';
import { appendFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceWriter } from '../../src/traces/trace-writer.js';
import { ensureBuilt, repoRoot } from './build-dist.js';
import { makeRecord, makeTempDir, sampleConversation, traceSettings } from './trace-fixtures.js';

let root: string;
let configDir: string;
let tracesDir: string;
let cleanup: () => Promise<void>;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `switchboard ...` as a real process (stdout is a pipe, so the default format is jsonl). */
async function switchboard(...args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(repoRoot, 'bin/switchboard.js'), ...args], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const ids = (run: Run): string[] => run.stdout.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line).id as string);

beforeAll(async () => {
  await ensureBuilt();
  ({ dir: root, cleanup } = await makeTempDir('sb-traces-cli-'));
  configDir = join(root, 'config');
  tracesDir = join(configDir, 'my-traces');
  await mkdir(configDir);
  await writeFile(join(configDir, 'gateway.yaml'), 'providers: {}\nkeys: {}\ntraces:\n  dir: ./my-traces\n  rotate_every: daily\n');
  // Yesterday's file, rotated and gzipped at startup by the next day's writer.
  const yesterday = new TraceWriter(traceSettings(tracesDir, { rotateEvery: 'daily', gzip: true }), { now: () => new Date('2026-11-23T12:00:00Z') });
  for (let hour = 0; hour < 5; hour++) yesterday.write(makeRecord({ ts: `2026-11-23T1${hour}:00:00.000Z`, id: `yesterday-${hour}` }));
  await yesterday.close();
  const today = new TraceWriter(traceSettings(tracesDir, { rotateEvery: 'daily', gzip: true }), { now: () => new Date('2026-11-24T08:00:00Z') });
  for (const record of sampleConversation()) today.write(record);
  await today.close();
  // A process killed mid-line.
  await appendFile(join(tracesDir, 'traces.jsonl'), '{"ts":"2026-11-24T07:24:00.000Z","id":"torn-line","dur');
}, 120_000);
afterAll(async () => {
  await cleanup();
});

describe('switchboard traces', () => {
  it('reads files the writer rotated and gzipped', async () => {
    expect((await readdir(tracesDir)).sort()).toEqual(['traces-20261123T100000Z_20261123T140000Z.jsonl.gz', 'traces.jsonl']);
  });

  it('--help describes every subcommand, and switchboard --help lists traces', async () => {
    const help = await switchboard('traces', '--help');
    expect(help.code).toBe(0);
    for (const text of ['traces tail', 'traces search', 'traces show', 'traces stats', '--traces-dir', '--config-dir', '--grep']) expect(help.stdout).toContain(text);
    expect((await switchboard('--help')).stdout).toMatch(/traces\s+tail, search, show and summarize/);
  });

  it('tail prints the last N across rotated and current files, and counts the torn line', async () => {
    const run = await switchboard('traces', 'tail', '-n', '6', '--config-dir', configDir);
    expect(run.code).toBe(0);
    expect(ids(run)).toEqual(['yesterday-3', 'yesterday-4', '3f1c9a2e-4b5d-4e6f-8a7b-9c0d1e2f3a4b', '7a2b3c4d-0000-4000-8000-000000000002', 'c0dec0de-1111-4111-8111-111111111111', 'deadbeef-2222-4222-8222-222222222222']);
    expect(run.stderr).toContain('skipped 1 incomplete or corrupt line');
  });

  it('search filters by key, model, provider, profile, session, status, time and text', async () => {
    const search = async (...args: string[]) => ids(await switchboard('traces', 'search', '--traces-dir', tracesDir, ...args));
    expect(await search('--key', 'bob')).toEqual(['7a2b3c4d-0000-4000-8000-000000000002']);
    expect(await search('--model', 'deepseek-chat')).toEqual(['7a2b3c4d-0000-4000-8000-000000000002']);
    expect(await search('--provider', 'openai', '--profile', 'codex')).toEqual(['c0dec0de-1111-4111-8111-111111111111']);
    expect(await search('--session', '9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a')).toEqual(['3f1c9a2e-4b5d-4e6f-8a7b-9c0d1e2f3a4b']);
    expect(await search('--status', '5xx')).toEqual(['deadbeef-2222-4222-8222-222222222222']);
    expect(await search('--status', 'error', '--since', '2026-11-23')).toEqual(['deadbeef-2222-4222-8222-222222222222']);
    expect(await search('--since', '2026-11-23T12:30:00Z', '--until', '2026-11-24T07:20:30Z')).toEqual(['yesterday-3', 'yesterday-4', '3f1c9a2e-4b5d-4e6f-8a7b-9c0d1e2f3a4b']);
    expect(await search('--grep', 'apply_patch')).toEqual(['c0dec0de-1111-4111-8111-111111111111']);
    expect(await search('--limit', '2')).toEqual(['c0dec0de-1111-4111-8111-111111111111', 'deadbeef-2222-4222-8222-222222222222']);
    // Relative times are taken from the real clock: these 2026 fixtures are far from "the last hour" only if the clock says otherwise, so just check it parses.
    expect((await switchboard('traces', 'search', '--traces-dir', tracesDir, '--since', '1h')).code).toBe(0);
  });

  it('search filters by agent, parent agent and request kind', async () => {
    const search = async (...args: string[]) => ids(await switchboard('traces', 'search', '--traces-dir', tracesDir, ...args));
    expect(await search('--agent', '/root/worker_1')).toEqual(['c0dec0de-1111-4111-8111-111111111111']);
    expect(await search('--parent-agent', '/root')).toEqual(['c0dec0de-1111-4111-8111-111111111111']);
    expect(await search('--kind', 'compaction')).toEqual(['deadbeef-2222-4222-8222-222222222222']);
    expect(await search('--kind', 'turn', '--since', '2026-11-24')).toEqual(['3f1c9a2e-4b5d-4e6f-8a7b-9c0d1e2f3a4b', '7a2b3c4d-0000-4000-8000-000000000002', 'c0dec0de-1111-4111-8111-111111111111']);
    const badKind = await switchboard('traces', 'search', '--traces-dir', tracesDir, '--kind', 'summary');
    expect(badKind.code).toBe(2);
    expect(badKind.stderr).toContain('--kind must be one of turn, compaction, prewarm, memory, auxiliary');
  });

  it('search --format table prints a header and one compact row per request', async () => {
    const run = await switchboard('traces', 'search', '--traces-dir', tracesDir, '--key', 'bob', '--format', 'table');
    const [head, row, extra] = run.stdout.trimEnd().split('\n');
    expect(head).toMatch(/^TIME \(UTC\)\s+ID\s+KEY\s+MODEL -> PROVIDER\/UPSTREAM\s+STATUS\s+DURATION\s+TOKENS/);
    expect(row).toMatch(/^2026-11-24 07:21:00\s+7a2b3c4d\s+bob\s+gpt-5 -> deepseek\/deepseek-chat\s+200\s+2\.50 s\s+500\/40$/);
    expect(extra).toBeUndefined();
  });

  it('show renders an Anthropic request: system, messages, reasoning, tool call and result, answer, usage', async () => {
    const run = await switchboard('traces', 'show', '3f1c9a2e', '--traces-dir', tracesDir);
    expect(run.code).toBe(0);
    const expected = [
      'request 3f1c9a2e-4b5d-4e6f-8a7b-9c0d1e2f3a4b',
      'usage: input 1200 (cache read 1000, cache write 0), output 80',
      '--- system ---\n  You are Claude Code',
      '--- user ---\n  Which files are in src?',
      '[reasoning] I should list the folder.',
      '[tool call Bash toolu_01] {"command":"ls src"}',
      '[tool result toolu_01] cli\n  config',
      '=== response ===\n--- assistant ---\n  src holds three folders',
    ];
    for (const text of expected) expect(run.stdout).toContain(text);
  });

  it('show renders Chat Completions and Responses bodies too', async () => {
    const chat = await switchboard('traces', 'show', '7a2b3c4d', '--traces-dir', tracesDir);
    for (const text of ['--- system ---\n  Be brief.', '[reasoning] Need the file.', '[tool call read_file call_9] {"path":"package.json"}']) expect(chat.stdout).toContain(text);
    const responses = await switchboard('traces', 'show', 'c0dec0de', '--traces-dir', tracesDir);
    for (const text of ['You are Codex', '[tool call shell call_1]', '--- tool ---\n  [tool result call_1] # Swtichboard', '[reasoning] The heading is misspelled.', '[tool call apply_patch call_2] *** Begin Patch']) {
      expect(responses.stdout).toContain(text);
    }
    expect(responses.stdout).toContain('agent /root/worker_1 (started by /root)  kind turn');
    expect(chat.stdout).not.toMatch(/^agent /m);
    const failed = await switchboard('traces', 'show', 'deadbeef', '--traces-dir', tracesDir);
    expect(failed.stdout).toContain('agent -  kind compaction');
    expect(failed.stdout).toContain('error SB_UPSTREAM_HTTP (overloaded_error): anthropic answered 529: Overloaded');
    expect(failed.stdout).toContain('attempt anthropic/claude-sonnet-4-5-20250929: 529');
  });

  it('show fails with 1 for an unknown or ambiguous id', async () => {
    const unknown = await switchboard('traces', 'show', 'nope', '--traces-dir', tracesDir);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no request with id nope');
    const ambiguous = await switchboard('traces', 'show', 'yesterday', '--traces-dir', tracesDir);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toContain('5 requests have ids starting with yesterday');
  });

  it('stats reports counts, error rate, latency and TTFT percentiles and token totals', async () => {
    const run = await switchboard('traces', 'stats', '--traces-dir', tracesDir, '--by', 'model', '--format', 'jsonl');
    const groups = run.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(groups.map((group) => group.group)).toEqual(['claude-sonnet-4-5', 'gpt-5', 'gpt-5-codex']);
    expect(groups[0]).toMatchObject({ by: 'model', requests: 7, errors: 1, latencyMs: { p50: 1200, p95: 1200, p99: 1200 }, ttftMs: { p50: 340, p95: 340 } });
    expect(groups[2].tokens).toEqual({ input: 3000, output: 300, cacheRead: 2048, cacheWrite: 0, reasoning: 128 });
    const table = await switchboard('traces', 'stats', '--traces-dir', tracesDir, '--since', '2026-11-24', '--format', 'table');
    expect(table.stdout).toMatch(/^REQUESTS\s+ERRORS\s+LATENCY p50\/p95\/p99\s+TTFT p50\/p95\s+TOKENS/);
    expect(table.stdout).toMatch(/\n4\s+1 \(25\.0%\)\s+1\.20 s \/ 4\.00 s \/ 4\.00 s\s+900 ms \/ 1\.50 s/);
  });

  it('stats groups by session, agent and request kind', async () => {
    const grouped = async (by: string): Promise<Array<{ group: string; requests: number }>> =>
      (await switchboard('traces', 'stats', '--traces-dir', tracesDir, '--since', '2026-11-24', '--by', by, '--format', 'jsonl')).stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { group: string; requests: number });
    expect((await grouped('kind')).map(({ group, requests }) => [group, requests])).toEqual([['turn', 3], ['compaction', 1]]);
    expect((await grouped('agent')).map(({ group, requests }) => [group, requests])).toEqual([['(none)', 3], ['/root/worker_1', 1]]);
    expect((await grouped('session')).map(({ group, requests }) => [group, requests])).toEqual([['sess-1', 1], ['(none)', 1], ['0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', 1], ['9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a', 1]].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)));
  });

  it('rejects bad usage with exit code 2', async () => {
    for (const args of [['traces'], ['traces', 'frobnicate'], ['traces', 'search', '--status', 'maybe'], ['traces', 'search', '--since', 'last tuesday'], ['traces', 'stats', '--by', 'color'], ['traces', 'tail', '--bogus']]) {
      const run = await switchboard(...args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain('switchboard traces:');
    }
  });

  it('tail -f prints new requests as the writer appends and rotates, each once', async () => {
    const followDir = join(root, 'follow');
    const writer = new TraceWriter(traceSettings(followDir, { maxFileBytes: 8 * 1024, maxFiles: 1000 }));
    writer.write(makeRecord({ id: 'old' }));
    await writer.flush();
    const child = spawn(process.execPath, [join(repoRoot, 'bin/switchboard.js'), 'traces', 'tail', '-f', '-n', '1', '--traces-dir', followDir, '--format', 'jsonl']);
    let output = '';
    child.stdout.on('data', (data: Buffer) => (output += data.toString()));
    const lineCount = () => output.split('\n').filter((line) => line !== '').length;
    await waitUntil(() => lineCount() >= 1);
    for (let index = 0; index < 60; index++) {
      writer.write(makeRecord({ id: `live-${index}` }));
      if (index % 10 === 9) await writer.flush();
    }
    await writer.close();
    expect((await readdir(followDir)).length).toBeGreaterThan(3);
    await waitUntil(() => lineCount() >= 61);
    child.kill('SIGINT');
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(output.trim().split('\n').map((line) => JSON.parse(line).id)).toEqual(['old', ...Array.from({ length: 60 }, (_, index) => `live-${index}`)]);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

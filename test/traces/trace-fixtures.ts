import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ResolvedTraces } from '../../src/config/snapshot.js';
import type { TraceRecord } from '../../src/traces/trace-record.js';

export async function makeTempDir(prefix = 'sb-traces-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function traceSettings(dir: string, overrides: Partial<ResolvedTraces> = {}): ResolvedTraces {
  return {
    enabled: true,
    dir,
    capture: 'full',
    maxBodyBytes: 1024 * 1024,
    maxFileBytes: 100 * 1024 * 1024,
    rotateEvery: 'never',
    maxFiles: 30,
    maxAgeDays: 30,
    gzip: false,
    ...overrides,
  };
}

let counter = 0;

/** A realistic record; `overrides` replace fields. */
export function makeRecord(overrides: Partial<TraceRecord> = {}): TraceRecord {
  counter++;
  return {
    ts: '2026-11-24T07:20:00.000Z',
    id: `req_${counter.toString().padStart(6, '0')}`,
    duration_ms: 1200,
    ttft_ms: 340,
    upstream_ms: 310,
    key: 'alice',
    profile: 'default',
    rule: { index: 0, match: 'claude-sonnet-4-5' },
    config: '3f9a1c2b7d10',
    session: 'sess-1',
    user_agent: 'claude-cli/2.0.14 (external, cli)',
    inbound: { format: 'anthropic', path: '/v1/messages' },
    model: 'claude-sonnet-4-5',
    provider: 'anthropic',
    upstream_model: 'claude-sonnet-4-5-20250929',
    upstream_format: 'anthropic',
    stream: true,
    status: 200,
    error: null,
    stop_reason: 'end_turn',
    usage: { input: 1200, output: 80, cache_read: 1000, cache_write: 0, reasoning: null },
    warnings: [],
    request: { model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'Say hi' }] },
    response: { id: 'msg_1', type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Hi!' }], stop_reason: 'end_turn' },
    ...overrides,
  };
}

/** Every line of every trace file in a folder (gzip included), by file name. */
export async function readAllTraceLines(dir: string): Promise<Map<string, string[]>> {
  const files = new Map<string, string[]>();
  for (const name of (await readdir(dir)).sort()) {
    if (!name.endsWith('.jsonl') && !name.endsWith('.jsonl.gz')) continue;
    const raw = await readFile(join(dir, name));
    const text = (name.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
    files.set(name, text.split('\n').filter((line) => line !== ''));
  }
  return files;
}

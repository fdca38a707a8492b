import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach } from 'vitest';
import type { ResolvedTraces } from '../../src/config/snapshot.js';
import type { TraceRecord } from '../../src/traces/trace-record.js';

export async function makeTempDir(prefix = 'sb-traces-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A fresh temporary folder for each test of the file: call at the top level; read `.dir` inside a test. */
export function tempDirPerTest(): { readonly dir: string } {
  const current = { dir: '', cleanup: async () => {} };
  beforeEach(async () => {
    const made = await makeTempDir();
    current.dir = made.dir;
    current.cleanup = made.cleanup;
  });
  afterEach(() => current.cleanup());
  return current;
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
    agent: null,
    parent_agent: null,
    kind: 'turn',
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

/** One request per wire format with tools, reasoning and usage, plus failures: what `traces show` and `stats` read. */
export function sampleConversation(): TraceRecord[] {
  const anthropic = makeRecord({
    ts: '2026-11-24T07:20:00.123Z',
    id: '3f1c9a2e-4b5d-4e6f-8a7b-9c0d1e2f3a4b',
    session: '9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a',
    request: {
      model: 'claude-sonnet-4-5',
      max_tokens: 32000,
      system: [{ type: 'text', text: 'You are Claude Code, an interactive CLI tool.' }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Which files are in src?' }] },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'I should list the folder.', signature: 'EqQB' }, { type: 'tool_use', id: 'toolu_01', name: 'Bash', input: { command: 'ls src' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: 'cli\nconfig\ntraces' }] },
      ],
      metadata: { user_id: 'user_abc_account_def_session_9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a' },
      stream: true,
    },
    response: {
      id: 'msg_01',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [{ type: 'text', text: 'src holds three folders: cli, config and traces.' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 200, output_tokens: 80, cache_read_input_tokens: 1000 },
    },
  });
  const chat = makeRecord({
    ts: '2026-11-24T07:21:00.000Z',
    id: '7a2b3c4d-0000-4000-8000-000000000002',
    key: 'bob',
    inbound: { format: 'openai-chat', path: '/v1/chat/completions' },
    model: 'gpt-5',
    provider: 'deepseek',
    upstream_model: 'deepseek-chat',
    upstream_format: 'openai-chat',
    session: null,
    duration_ms: 2500,
    ttft_ms: 900,
    stop_reason: 'tool_calls',
    usage: { input: 500, output: 40, cache_read: null, cache_write: null, reasoning: null },
    request: {
      model: 'gpt-5',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Read package.json' }] },
      ],
      tools: [{ type: 'function', function: { name: 'read_file', parameters: { type: 'object' } } }],
    },
    response: {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null, reasoning_content: 'Need the file.', tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'read_file', arguments: '{"path":"package.json"}' } }] } }],
    },
  });
  const responses = makeRecord({
    ts: '2026-11-24T07:22:00.000Z',
    id: 'c0dec0de-1111-4111-8111-111111111111',
    key: 'ci',
    profile: 'codex',
    inbound: { format: 'openai-responses', path: '/v1/responses' },
    model: 'gpt-5-codex',
    provider: 'openai',
    upstream_model: 'gpt-5-codex',
    upstream_format: 'openai-responses',
    session: '0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
    agent: '/root/worker_1',
    parent_agent: '/root',
    user_agent: 'codex_cli_rs/0.46.0',
    duration_ms: 4000,
    ttft_ms: 1500,
    stop_reason: 'completed',
    usage: { input: 3000, output: 300, cache_read: 2048, cache_write: null, reasoning: 128 },
    request: {
      model: 'gpt-5-codex',
      instructions: 'You are Codex, a coding agent.',
      input: [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Fix the typo in README' }] },
        { type: 'function_call', name: 'shell', call_id: 'call_1', arguments: '{"command":["cat","README.md"]}' },
        { type: 'function_call_output', call_id: 'call_1', output: '# Swtichboard' },
      ],
    },
    response: {
      id: 'resp_1',
      object: 'response',
      status: 'completed',
      output: [
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'The heading is misspelled.' }] },
        { type: 'custom_tool_call', call_id: 'call_2', name: 'apply_patch', input: '*** Begin Patch\n-# Swtichboard\n+# Switchboard\n*** End Patch' },
      ],
    },
  });
  const failed = makeRecord({
    ts: '2026-11-24T07:23:00.000Z',
    id: 'deadbeef-2222-4222-8222-222222222222',
    kind: 'compaction',
    status: 529,
    duration_ms: 800,
    ttft_ms: null,
    stop_reason: null,
    usage: null,
    error: { type: 'overloaded_error', code: 'SB_UPSTREAM_HTTP', message: 'anthropic answered 529: Overloaded' },
    attempts: [
      { target: 'anthropic/claude-sonnet-4-5-20250929', status: 529, error: 'SB_UPSTREAM_HTTP: Overloaded', duration_ms: 300 },
      { target: 'anthropic/claude-sonnet-4-5-20250929', status: 529, error: 'SB_UPSTREAM_HTTP: Overloaded', duration_ms: 450 },
    ],
    response: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
  });
  return [anthropic, chat, responses, failed];
}

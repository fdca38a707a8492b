import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TraceRecord } from '../../src/traces/trace-record.js';
import { FakeProvider } from '../helpers/fake-provider.js';
import { repoRoot, startInProcess, startProcess } from '../helpers/gateway-under-test.js';
import { adminHeaders, baseConfig, makeTempDir, testSecrets, writeConfig, type TestConfig } from '../helpers/test-config.js';
import { chatTurnCompletion, chatTurnStream } from '../helpers/wire-transcripts.js';

const run = promisify(execFile);
const providerSecret = 'provider-secret-never-in-traces-42';

/** Every line of every trace file in `dir` (rotated, gzipped and current), in no particular order. */
async function readAllLines(dir: string): Promise<string[]> {
  const lines: string[] = [];
  for (const name of await readdir(dir)) {
    if (!name.startsWith('traces')) continue;
    const bytes = await readFile(path.join(dir, name));
    const text = name.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
    lines.push(...text.split('\n').filter((line) => line !== ''));
  }
  return lines;
}

async function grepDir(dir: string, needle: string): Promise<string[]> {
  const hits: string[] = [];
  for (const name of await readdir(dir)) {
    const bytes = await readFile(path.join(dir, name));
    const text = name.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
    if (text.includes(needle)) hits.push(name);
  }
  return hits;
}

describe('trace lines written by the gateway', () => {
  let temp: { dir: string; remove(): Promise<void> };
  const upstream = new FakeProvider();

  beforeEach(async () => {
    temp = await makeTempDir();
    await upstream.start();
    process.env.SB_TRACE_TEST_KEY = providerSecret;
    upstream.reply((request) => {
      const turn = { reasoning: 'thinking it over', text: `answer for ${request.rawBody.length} bytes` };
      const model = String(request.body.model);
      return request.body.stream === true ? { kind: 'sse', frames: chatTurnStream(model, turn) } : { kind: 'json', body: chatTurnCompletion(model, turn) };
    });
  });
  afterEach(async () => {
    await upstream.close();
    await temp.remove();
  });

  const config = (traces: Record<string, unknown>): TestConfig => {
    const base = baseConfig({ chat: { format: 'openai-chat', base_url: upstream.url, api_key: '${SB_TRACE_TEST_KEY}' } }, { rules: [{ model: 'claude-sonnet-4-5', to: 'chat/deepseek-reasoner' }] });
    base.gateway.traces = traces;
    return base;
  };

  it('writes exactly one valid line per request under concurrent streaming load with rotation and gzip, and never a secret', async () => {
    const tracesDir = path.join(temp.dir, 'traces');
    await writeConfig(temp.dir, config({ dir: tracesDir, max_file_mb: 0.05, gzip: true, max_files: 1000 }));
    const gateway = await startInProcess(temp.dir);
    const ids = await Promise.all(
      Array.from({ length: 300 }, async (_, index) => {
        const response = await fetch(`${gateway.address}/anthropic/v1/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': testSecrets.alice, 'x-claude-code-session-id': `session-${index % 7}` },
          body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 100, stream: true, messages: [{ role: 'user', content: `request ${index} ${'x'.repeat(index * 3)}` }] }),
        });
        await response.text();
        return response.headers.get('x-switchboard-request-id')!;
      }),
    );
    await gateway.stop();

    const lines = await readAllLines(tracesDir);
    const records = lines.map((line) => JSON.parse(line) as TraceRecord);
    expect(records).toHaveLength(300);
    expect(new Set(records.map((record) => record.id))).toEqual(new Set(ids));
    const files = await readdir(tracesDir);
    expect(files.filter((name) => name.endsWith('.jsonl.gz')).length).toBeGreaterThan(3);
    for (const secret of [testSecrets.alice, providerSecret]) expect(await grepDir(tracesDir, secret)).toEqual([]);

    const record = records.find((entry) => entry.id === ids[5])!;
    expect(Object.keys(record).slice(0, 4)).toEqual(['ts', 'id', 'duration_ms', 'ttft_ms']);
    expect(record).toMatchObject({ key: 'alice', profile: 'main', rule: { index: 0, match: 'claude-sonnet-4-5' }, session: 'session-5', model: 'claude-sonnet-4-5', provider: 'chat', upstream_model: 'deepseek-reasoner', upstream_format: 'openai-chat', stream: true, status: 200, error: null, stop_reason: 'stop' });
    expect(record.usage).toMatchObject({ input: 40, output: 12 });
    expect(record.ttft_ms).toBeGreaterThan(0);
    expect(record.response).toMatchObject({ type: 'message', model: 'claude-sonnet-4-5', content: [{ type: 'thinking', thinking: 'thinking it over' }, { type: 'text', text: expect.stringMatching(/^answer for \d+ bytes$/) }] });
    expect(record.request).toMatchObject({ model: 'claude-sonnet-4-5', stream: true });
  });

  it('traces bodies as sent: pretty-printed JSON stays on one line, and nesting too deep to re-serialise is kept', async () => {
    const tracesDir = path.join(temp.dir, 'traces');
    await writeConfig(temp.dir, config({ dir: tracesDir }));
    const gateway = await startInProcess(temp.dir);
    const pretty = JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'line one\nline two' }] }, null, 2);
    const deep = `{"model":"claude-sonnet-4-5","max_tokens":10,"messages":[{"role":"user","content":"deep"}],"metadata":{"x":${'['.repeat(20_000)}${']'.repeat(20_000)}}}`;
    for (const body of [pretty, deep]) {
      const response = await fetch(`${gateway.address}/anthropic/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': testSecrets.alice }, body });
      expect(response.status).toBe(200);
    }
    await gateway.stop();
    const lines = await readAllLines(tracesDir);
    expect(lines).toHaveLength(2);
    const [first, second] = lines.map((line) => JSON.parse(line) as TraceRecord);
    expect(first!.request).toEqual(JSON.parse(pretty));
    expect((second!.request as { messages: unknown }).messages).toEqual([{ role: 'user', content: 'deep' }]);
  });

  it('leaves at most the last line incomplete when the process is killed mid-load', async () => {
    const tracesDir = path.join(temp.dir, 'traces');
    await writeConfig(temp.dir, config({ dir: tracesDir }));
    const gateway = await startProcess(temp.dir, [], { SB_TRACE_TEST_KEY: providerSecret });
    let stop = false;
    const load = Array.from({ length: 16 }, async () => {
      while (!stop) {
        await fetch(`${gateway.url}/anthropic/v1/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': testSecrets.alice },
          body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'y'.repeat(5000) }] }),
        }).then((response) => response.text(), () => undefined);
      }
    });
    // Kill it mid-load once some lines are on disk (polled, so a busy machine does not make the test flaky).
    const current = path.join(tracesDir, 'traces.jsonl');
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const text = await readFile(current, 'utf8').catch(() => '');
      if (text.split('\n').length > 30) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await gateway.stop('SIGKILL');
    stop = true;
    await Promise.all(load);
    const text = await readFile(path.join(tracesDir, 'traces.jsonl'), 'utf8');
    const lines = text.split('\n');
    const complete = text.endsWith('\n') ? lines.slice(0, -1) : lines.slice(0, -2);
    expect(complete.length).toBeGreaterThan(20);
    for (const line of complete) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('keeps serving when the traces folder cannot be written, and says so in /status', async () => {
    const blocker = path.join(temp.dir, 'not-a-folder');
    await writeFile(blocker, 'a file where the traces folder should be');
    await writeConfig(temp.dir, config({ dir: path.join(blocker, 'traces') }));
    const gateway = await startInProcess(temp.dir);
    const client = new Anthropic({ apiKey: testSecrets.alice, baseURL: `${gateway.address}/anthropic`, maxRetries: 0 });
    for (let index = 0; index < 5; index++) {
      const message = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
      expect(message.content.length).toBeGreaterThan(0);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const status = (await (await fetch(`${gateway.address}/status`, { headers: adminHeaders })).json()) as { traces: { lastError?: string } };
    expect(status.traces.lastError).toMatch(/ENOTDIR|EEXIST|not a directory/i);
    await gateway.stop();
  });

  it('is readable with the traces command: search, show and stats on the files the gateway wrote', async () => {
    const tracesDir = path.join(temp.dir, 'traces');
    await writeConfig(temp.dir, config({ dir: tracesDir }));
    const gateway = await startInProcess(temp.dir);
    const client = new Anthropic({ apiKey: testSecrets.alice, baseURL: `${gateway.address}/anthropic`, maxRetries: 0 });
    await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 10, system: 'Be brief.', messages: [{ role: 'user', content: 'first question' }] });
    await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'second question' }], metadata: { user_id: JSON.stringify({ device_id: 'd', account_uuid: '', session_id: '6c1f00a4-96a6-4d4a-b7d3-1a2b3c4d5e6f' }) } });
    await fetch(`${gateway.address}/anthropic/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'sb-wrong' }, body: '{}' });
    await gateway.stop();

    const cli = (...args: string[]): Promise<{ stdout: string }> => run(process.execPath, [path.join(repoRoot, 'bin/switchboard.js'), 'traces', ...args, '--traces-dir', tracesDir]);
    const found = (await cli('search', '--session', '6c1f00a4-96a6-4d4a-b7d3-1a2b3c4d5e6f', '--format', 'jsonl')).stdout.trim().split('\n');
    expect(found).toHaveLength(1);
    const record = JSON.parse(found[0]!) as TraceRecord;
    expect(record.request).toMatchObject({ messages: [{ content: 'second question' }] });

    const errors = (await cli('search', '--status', '4xx', '--format', 'jsonl')).stdout.trim().split('\n');
    expect(errors.map((line) => (JSON.parse(line) as TraceRecord).status)).toEqual([401]);

    const shown = (await cli('show', record.id)).stdout;
    expect(shown).toContain('second question');
    expect(shown).toContain('thinking it over');

    const stats = (await cli('stats', '--by', 'key', '--format', 'jsonl')).stdout;
    expect(stats).toContain('alice');
  });
});

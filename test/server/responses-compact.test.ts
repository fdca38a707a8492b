import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import type { TraceRecord } from '../../src/traces/trace-record.js';
import { FakeProvider } from '../helpers/fake-provider.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { baseConfig, makeTempDir, testSecrets, writeConfig } from '../helpers/test-config.js';

/** OpenAI's answer to `POST /v1/responses/compact`: the new history, an encrypted compaction item last. */
const compacted = {
  id: 'resp_compact_1',
  object: 'response.compaction',
  created_at: 1764000000,
  output: [
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Fix the failing test.' }] },
    { type: 'compaction', id: 'cmp_1', encrypted_content: 'gAAAAB-summary-of-everything-before' },
  ],
  usage: { input_tokens: 5000, output_tokens: 300, total_tokens: 5300 },
};
const compactBody = {
  model: 'gpt-5.5-codex',
  instructions: 'You are Codex.',
  input: [
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Fix the failing test.' }] },
    { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Looking at it.' }] },
  ],
  tools: [],
  parallel_tool_calls: false,
  reasoning: { effort: 'medium' },
};

describe('POST /v1/responses/compact (OpenAI remote compaction)', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: RunningGateway;
  const openai = new FakeProvider();
  const anthropic = new FakeProvider();
  const tracesDir = (): string => path.join(temp.dir, 'traces');

  beforeAll(async () => {
    await Promise.all([openai.start(), anthropic.start()]);
    openai.reply(() => ({ kind: 'json', body: compacted, headers: { 'x-request-id': 'req_compact_1' } }));
    process.env.SB_TEST_COMPACT_KEY = 'provider-secret-compact';
    temp = await makeTempDir('switchboard-compact-');
    await writeConfig(
      path.join(temp.dir, 'config'),
      baseConfig(
        {
          openai: { format: 'openai-responses', base_url: `${openai.url}/v1`, api_key: '${SB_TEST_COMPACT_KEY}', retry: { max_retries: 0 } },
          claude: { format: 'anthropic', base_url: anthropic.url, retry: { max_retries: 0 } },
        },
        { rules: [{ model: 'gpt-5.5-codex', to: 'openai/gpt-5.5-codex-2026' }, { model: 'claude-via-codex', to: 'claude/claude-sonnet-4-5' }] },
        tracesDir(),
      ),
    );
    gateway = await startInProcess(path.join(temp.dir, 'config'));
  });
  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([openai.close(), anthropic.close()]);
    await temp?.remove();
  });

  const post = (body: unknown, key: string = testSecrets.alice): Promise<Response> =>
    fetch(`${gateway.address}/v1/responses/compact`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'session-id': 'sess-compact' }, body: JSON.stringify(body) });

  it('forwards to a Responses provider at /responses/compact: the body as sent but the model, the provider credential, the answer relayed', async () => {
    const response = await post(compactBody);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('req_compact_1');
    expect(await response.json()).toEqual(compacted);

    const received = openai.requests.at(-1)!;
    expect(received.method).toBe('POST');
    expect(received.url).toBe('/v1/responses/compact');
    expect(received.rawBody).toBe(JSON.stringify({ ...compactBody, model: 'gpt-5.5-codex-2026' }));
    expect(received.headers.authorization).toBe('Bearer provider-secret-compact');
    expect(received.headers['session-id']).toBe('sess-compact');
  });

  it('answers a route to a provider of another format with a 400 in OpenAI format, and sends nothing upstream', async () => {
    const response = await post({ ...compactBody, model: 'claude-via-codex' });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-switchboard-error-code')).toBe('SB_ROUTE_FORMAT_UNSUPPORTED');
    const body = (await response.json()) as { error: { type: string; code: string; message: string } };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'SB_ROUTE_FORMAT_UNSUPPORTED' });
    expect(body.error.message).toContain('/v1/responses/compact exists only on openai-responses providers');
    expect(body.error.message).toContain('provider "claude" (anthropic)');
    expect(anthropic.requests).toEqual([]);
  });

  it('authenticates like every model route', async () => {
    const response = await post(compactBody, 'sb-not-a-key');
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('SB_AUTH_INVALID_KEY');
  });

  it('writes one trace line per call, refused ones included, with the path, the route and the outcome', async () => {
    await gateway.stop();
    const lines = (await readFile(path.join(tracesDir(), 'traces.jsonl'), 'utf8')).trim().split('\n');
    const records = lines.map((line) => JSON.parse(line) as TraceRecord);
    const compacts = records.filter((record) => record.inbound.path === '/v1/responses/compact');
    expect(compacts.map((record) => [record.model, record.provider, record.status, record.error?.code ?? null])).toEqual([
      ['gpt-5.5-codex', 'openai', 200, null],
      ['claude-via-codex', 'claude', 400, 'SB_ROUTE_FORMAT_UNSUPPORTED'],
      [null, null, 401, 'SB_AUTH_INVALID_KEY'],
    ]);
    expect(compacts[0]!.upstream_model).toBe('gpt-5.5-codex-2026');
  });
});

import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import { FakeProvider } from '../helpers/fake-provider.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { baseConfig, makeTempDir, testSecrets, writeConfig } from '../helpers/test-config.js';
import type { TraceRecord } from '../../src/traces/trace-record.js';
import { anthropicTextStream, responsesTextStream } from '../helpers/wire-transcripts.js';

/** Codex's default-model exec loop (second request), as captured. */
const capture = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/real-clients/codex-default-model-request-2.json', import.meta.url)), 'utf8')) as { body: Record<string, unknown> };
const input = capture.body.input as Array<Record<string, unknown>>;

describe('Codex code-mode requests on Responses routes', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: RunningGateway;
  const openai = new FakeProvider();
  const anthropic = new FakeProvider();
  const tracesDir = (): string => path.join(temp.dir, 'traces');

  beforeAll(async () => {
    await Promise.all([openai.start(), anthropic.start()]);
    openai.reply((request) => ({ kind: 'sse', frames: responsesTextStream(String(request.body.model), ['Done.']) }));
    anthropic.reply((request) => ({ kind: 'sse', frames: anthropicTextStream(String(request.body.model), ['Done.']) }));
    temp = await makeTempDir('switchboard-code-mode-');
    await writeConfig(
      path.join(temp.dir, 'config'),
      baseConfig(
        {
          openai: { format: 'openai-responses', base_url: `${openai.url}/v1`, retry: { max_retries: 0 } },
          claude: { format: 'anthropic', base_url: anthropic.url, retry: { max_retries: 0 } },
        },
        { rules: [{ model: 'gpt-6.1-sol', to: 'openai/gpt-5.5-codex' }, { model: 'via-claude', to: 'claude/claude-sonnet-4-5' }] },
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

  const send = (body: unknown): Promise<Response> =>
    fetch(`${gateway.address}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${testSecrets.alice}` }, body: JSON.stringify(body) });

  it('passes the request through untouched but for the model', async () => {
    const response = await send(capture.body);
    expect(response.status).toBe(200);
    await response.text();
    expect(openai.requests.at(-1)!.rawBody).toBe(JSON.stringify({ ...capture.body, model: 'gpt-5.5-codex' }));
  });

  it('after a turn served by another family (its reasoning marker in the history), translates and puts additional_tools back in input[0], not in tools', async () => {
    // Reasoning an Anthropic provider produced earlier: Codex carries its signature as a gateway marker.
    const foreign = { type: 'reasoning', summary: [{ type: 'summary_text', text: 'Run the proof command.' }], encrypted_content: 'sb:anthropic:EqQBCgIYAhIM' };
    const callIndex = input.findIndex((item) => item.type === 'custom_tool_call');
    const body = { ...capture.body, input: [...input.slice(0, callIndex), foreign, ...input.slice(callIndex)] };
    const response = await send(body);
    expect(response.status).toBe(200);
    await response.text();

    const sent = openai.requests.at(-1)!.body;
    expect(sent.tools).toBeUndefined();
    // Everything but the foreign reasoning, which OpenAI would reject, arrives as Codex sent it.
    expect(sent).toEqual({ ...capture.body, model: 'gpt-5.5-codex' });
  });

  it('to an Anthropic provider: refuses a history holding an OpenAI compaction item with a 400 in OpenAI format, and calls no provider', async () => {
    const before = anthropic.requests.length;
    const body = { ...capture.body, model: 'via-claude', input: [...input.slice(0, 7), { type: 'compaction', encrypted_content: 'gAAAAB-summary' }, ...input.slice(7)] };
    const response = await send(body);
    expect(response.status).toBe(400);
    const error = ((await response.json()) as { error: { type: string; code: string; message: string } }).error;
    expect(error).toMatchObject({ type: 'invalid_request_error', code: 'SB_REQUEST_UNTRANSLATABLE' });
    expect(error.message).toContain('input[7]: a compaction item is an OpenAI-encrypted summary');
    expect(anthropic.requests.length).toBe(before);
  });

  it('to an Anthropic provider: leaves out an item type it does not know, and says so in the trace line', async () => {
    const body = { ...capture.body, model: 'via-claude', input: [...input, { type: 'future_item', id: 'fi_1', payload: 'only OpenAI knows' }] };
    const response = await send(body);
    expect(response.status).toBe(200);
    await response.text();
    expect(anthropic.requests.at(-1)!.rawBody).not.toContain('future_item');

    // Stopping flushes the trace file; this is the last test.
    await gateway.stop();
    const records = (await readFile(path.join(tracesDir(), 'traces.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as TraceRecord);
    const record = records.find((entry) => entry.model === 'via-claude' && entry.status === 200)!;
    expect(record.warnings).toContainEqual(`unsupported input[${input.length}]: "future_item" is an item type this gateway does not know: kept for an openai-responses upstream, dropped for others`);
  });
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import { FakeProvider } from '../helpers/fake-provider.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { baseConfig, makeTempDir, testSecrets, writeConfig } from '../helpers/test-config.js';
import { responsesTextStream } from '../helpers/wire-transcripts.js';

/** Codex's default-model exec loop (second request), as captured. */
const capture = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/real-clients/codex-default-model-request-2.json', import.meta.url)), 'utf8')) as { body: Record<string, unknown> };
const input = capture.body.input as Array<Record<string, unknown>>;

describe('Codex code-mode requests on Responses routes', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: RunningGateway;
  const openai = new FakeProvider();

  beforeAll(async () => {
    await openai.start();
    openai.reply((request) => ({ kind: 'sse', frames: responsesTextStream(String(request.body.model), ['Done.']) }));
    temp = await makeTempDir('switchboard-code-mode-');
    await writeConfig(temp.dir, baseConfig({ openai: { format: 'openai-responses', base_url: `${openai.url}/v1`, retry: { max_retries: 0 } } }, { rules: [{ model: 'gpt-6.1-sol', to: 'openai/gpt-5.5-codex' }] }));
    gateway = await startInProcess(temp.dir);
  });
  afterAll(async () => {
    await gateway?.stop();
    await openai.close();
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
});

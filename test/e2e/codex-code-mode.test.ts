import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import { FakeProvider, type RecordedRequest } from '../helpers/fake-provider.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { makeTempDir, sha256, testSecrets, writeConfig } from '../helpers/test-config.js';
import { providerReply, readUpstream, type ProviderFormat, type ProviderTurn } from './code-mode-provider.js';
import { readTraceRecordsInOrder } from '../helpers/trace-lines.js';
import { codexDefaultModel, runCodexExec, type CodexRunResult } from './codex-run.js';
import { describeRun, proofCommand, readProof, requireClient, StrayTrafficTrap, type RealClient } from './real-clients.js';

/**
 * Codex 0.169 exactly as a new user runs it: the README's provider entry and
 * no `model` line, so Codex asks for its default model and works in code
 * mode (its tools in an `additional_tools` input item; the model writes
 * JavaScript for the freeform `exec` tool, which calls the real tools).
 * The gateway routes that model to a fake provider of each wire format.
 */

const formats: ProviderFormat[] = ['openai-responses', 'anthropic', 'openai-chat'];
const profileOf: Record<ProviderFormat, string> = { anthropic: 'via-anthropic', 'openai-chat': 'via-chat', 'openai-responses': 'via-responses' };
const providerOf: Record<ProviderFormat, string> = { anthropic: 'anth', 'openai-chat': 'chat', 'openai-responses': 'resp' };

/** What the model writes for `exec`: JavaScript calling Codex's shell tool with the proof command. */
const proofJs = `const result = await tools.exec_command({ cmd: ${JSON.stringify(proofCommand)} });\ntext(result.output);`;
const finalAnswer = (format: ProviderFormat): string => `Done: the proof file says what the shell wrote (code mode via ${format}).`;

const compactionMarker = 'CONTEXT CHECKPOINT COMPACTION';
const summary = 'SUMMARY-7f3a: the proof command ran; only the final answer is left.';

/**
 * The provider's side, decided from what each request holds (not from how
 * many came before): Codex's compaction request gets the summary; a request
 * whose history carries the summary or an exec result gets the final
 * answer; one that offers exec gets the exec call; anything else (a side
 * request) plain text.
 */
function script(format: ProviderFormat, options: { execJs: string; final: string; firstUsage?: ProviderTurn['usage'] }) {
  return (request: RecordedRequest) => {
    const view = readUpstream(format, request);
    let turn: ProviderTurn;
    if (view.lastUserText.includes(compactionMarker)) turn = { text: summary };
    else if (view.toolResults.length > 0 || view.allText.includes(summary)) turn = { text: options.final };
    else if (view.offersExec) turn = { execJs: options.execJs, ...(options.firstUsage === undefined ? {} : { usage: options.firstUsage }) };
    else turn = { text: 'Side answer.' };
    return providerReply(format, request, turn);
  };
}

function report(result: CodexRunResult, format: ProviderFormat, provider: FakeProvider): string {
  const requests = provider.requests.map((request, index) => {
    const view = readUpstream(format, request);
    return `#${index} ${request.method} ${request.url} offersExec=${view.offersExec} execCalls=${view.execInputs.length} toolResults=${view.toolResults.length} compaction=${view.lastUserText.includes(compactionMarker)}`;
  });
  return `${describeRun(result.run)}\n--- upstream requests (${format})\n${requests.join('\n')}`;
}

describe(`Codex on its default model (${codexDefaultModel}, code mode) through every provider format`, () => {
  let client: RealClient;
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: RunningGateway;
  const providers: Record<ProviderFormat, FakeProvider> = { anthropic: new FakeProvider(), 'openai-chat': new FakeProvider(), 'openai-responses': new FakeProvider() };
  const trap = new StrayTrafficTrap();

  beforeAll(async () => {
    client = requireClient('codex');
    await Promise.all([...Object.values(providers).map((provider) => provider.start()), trap.start()]);
    temp = await makeTempDir('switchboard-e2e-codex-default-');
    // One key, one profile per provider format; each run picks its profile with x-switchboard-profile.
    const rules = (to: string): Record<string, unknown> => ({ rules: [{ model: codexDefaultModel, to }, { model_regex: '^gpt-', to }] });
    await writeConfig(path.join(temp.dir, 'config'), {
      gateway: {
        server: { host: '127.0.0.1', port: 0 },
        providers: {
          anth: { format: 'anthropic', base_url: providers.anthropic.url, retry: { max_retries: 0 } },
          chat: { format: 'openai-chat', base_url: `${providers['openai-chat'].url}/v1`, retry: { max_retries: 0 } },
          resp: { format: 'openai-responses', base_url: `${providers['openai-responses'].url}/v1`, retry: { max_retries: 0 } },
        },
        keys: { alice: { sha256: sha256(testSecrets.alice), profile: profileOf.anthropic, profiles: [profileOf['openai-chat'], profileOf['openai-responses']] } },
        traces: { dir: path.join(temp.dir, 'traces') },
      },
      profiles: {
        [profileOf.anthropic]: rules('anth/claude-sonnet-4-5'),
        [profileOf['openai-chat']]: rules('chat/deepseek-chat'),
        [profileOf['openai-responses']]: rules('resp/gpt-5.5-codex'),
      },
    });
    gateway = await startInProcess(path.join(temp.dir, 'config'));
  });
  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([...Object.values(providers).map((provider) => provider.close()), trap.close()]);
    await temp?.remove();
  });

  /** One `codex exec` run whose requests reach the provider of `format`, and that provider's requests during it. */
  async function runVia(format: ProviderFormat, name: string, prompt: string, overrides: string[] = []): Promise<{ result: CodexRunResult; requests: RecordedRequest[]; why: string }> {
    const provider = providers[format];
    const before = provider.requests.length;
    const othersBefore = formats.map((other) => providers[other].requests.length);
    const strayBefore = trap.attempts.length;
    const result = await runCodexExec(client, {
      root: path.join(temp.dir, `${format}-${name}`),
      gateway: gateway.address,
      apiKey: testSecrets.alice,
      trap,
      prompt,
      httpHeaders: { 'x-switchboard-profile': profileOf[format] },
      overrides,
      timeoutMs: 60_000,
    });
    const why = report(result, format, provider);
    expect(trap.attempts.slice(strayBefore), `requests that did not go to the gateway\n${why}`).toEqual([]);
    // The profile header picked the provider: no other one heard from this run.
    expect(formats.map((other) => (other === format ? 0 : providers[other].requests.length - othersBefore[formats.indexOf(other)]!)), why).toEqual([0, 0, 0]);
    return { result, requests: provider.requests.slice(before), why };
  }

  it.each(formats)('to an %s provider: the provider calls exec, Codex runs the JavaScript, the output and the script come back, Codex prints the answer', { timeout: 90_000 }, async (format) => {
    providers[format].reply(script(format, { execJs: proofJs, final: finalAnswer(format) }));
    const { result, requests, why } = await runVia(format, 'proof', 'Write the proof file and tell me what it says.');

    const proof = readProof(result.work);
    expect(proof, why).toMatch(/^sb-e2e-\d+$/);
    const views = requests.map((request) => readUpstream(format, request));
    const loop = views.filter((view) => view.offersExec);
    expect(loop, why).toHaveLength(2);
    expect(loop[0]!.toolResults, why).toEqual([]);
    // The JavaScript the provider wrote comes back in the history byte for byte, and the shell's output with it.
    expect(loop[1]!.execInputs, why).toEqual([proofJs]);
    expect(loop[1]!.toolResults.join('\n'), why).toContain(proof!);
    if (format === 'openai-responses') {
      // Passthrough: the provider got Codex's own request, code mode and all, only the model swapped.
      expect(requests[0]!.body.model, why).toBe('gpt-5.5-codex');
      expect(requests[0]!.body.tools, why).toBeUndefined();
      expect((requests[0]!.body.input as Array<{ type: string }>)[0]!.type, why).toBe('additional_tools');
    }

    expect(result.run.code, why).toBe(0);
    expect(result.run.stdout, why).toContain(finalAnswer(format));
  });

  it('to an anthropic provider: exec calls tools.apply_patch, and the file it adds is on disk', { timeout: 90_000 }, async () => {
    const patch = ['*** Begin Patch', '*** Add File: greeting.txt', '+Hello from apply_patch, run by exec through the gateway.', '*** End Patch', ''].join('\n');
    const js = `const result = await tools.apply_patch(${JSON.stringify(patch)});\ntext(JSON.stringify(result));`;
    const final = 'The greeting file is written.';
    providers.anthropic.reply(script('anthropic', { execJs: js, final }));
    const { result, requests, why } = await runVia('anthropic', 'apply-patch', 'Add greeting.txt with a friendly line.');

    const file = path.join(result.work, 'greeting.txt');
    expect(existsSync(file), why).toBe(true);
    expect(readFileSync(file, 'utf8'), why).toBe('Hello from apply_patch, run by exec through the gateway.\n');
    const afterCall = requests.map((request) => readUpstream('anthropic', request)).find((view) => view.toolResults.length > 0);
    expect(afterCall?.execInputs, why).toEqual([js]);
    expect(result.run.code, why).toBe(0);
    expect(result.run.stdout, why).toContain(final);
  });

  it.each<ProviderFormat>(['anthropic', 'openai-chat'])(
    'to an %s provider: Codex compacts mid-turn when the reported usage passes its limit, and the turn goes on from the summary',
    { timeout: 120_000 },
    async (format) => {
      const final = `Finished after compacting (via ${format}).`;
      // The first answer reports 150k prompt tokens; Codex's limit for this run is 20k.
      providers[format].reply(script(format, { execJs: proofJs, final, firstUsage: { input: 150_000, output: 200 } }));
      const { result, requests, why } = await runVia(format, 'compaction', 'Write the proof file and tell me what it says.', ['model_auto_compact_token_limit=20000']);

      expect(readProof(result.work), why).toMatch(/^sb-e2e-\d+$/);
      const views = requests.map((request) => readUpstream(format, request));
      const compactionIndex = views.findIndex((view) => view.lastUserText.includes(compactionMarker));
      expect(compactionIndex, why).toBeGreaterThan(0);
      // Codex marks the request as a compaction in its turn metadata (x-codex-turn-metadata, which only a
      // Responses provider gets): the trace line says so, whichever provider answered it.
      await gateway.traces.flush();
      const compactions = (await readTraceRecordsInOrder(path.join(temp.dir, 'traces'))).filter((line) => line.kind === 'compaction' && line.provider === providerOf[format]);
      expect(compactions.map((line) => line.status), why).toEqual([200]);
      // The turn continued after the compaction, with the summary as its history.
      const after = views.slice(compactionIndex + 1);
      expect(after.some((view) => view.allText.includes(summary)), why).toBe(true);
      expect(result.run.code, why).toBe(0);
      expect(result.run.stdout, why).toContain(final);
    },
  );
});

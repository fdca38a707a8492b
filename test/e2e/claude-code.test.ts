import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import { FakeProvider, type RecordedRequest } from '../helpers/fake-provider.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { readTraceRecordsInOrder } from '../helpers/trace-lines.js';
import { makeTempDir, sha256, writeConfig } from '../helpers/test-config.js';
import {
  anthropicSignature,
  answerAfterCompaction,
  carriesToolResult,
  encryptedReasoning,
  finalAnswer,
  historyOf,
  isCompactionRequest,
  providerFormats,
  providerScript,
  reasoning,
  stepOf,
  summaryText,
  toolCallId,
  type ProviderFormat,
} from './claude-code-provider.js';
import { describeRun, isolatedEnv, proofCommand, readProof, requireClient, runClient, StrayTrafficTrap, type ClientRun } from './real-clients.js';

const client = requireClient('claude');

/** What Claude Code 2.1.330 asks for when neither ANTHROPIC_MODEL nor --model is set. */
const defaultModel = 'claude-opus-5-5';
const providerName: Record<ProviderFormat, string> = { anthropic: 'anth', 'openai-chat': 'chat', 'openai-responses': 'resp' };
const upstreamModel: Record<ProviderFormat, string> = { anthropic: 'claude-opus-5-5', 'openai-chat': 'deepseek-reasoner', 'openai-responses': 'gpt-5.5' };
const secretOf = (format: ProviderFormat): string => `sb-test-claude-via-${format}-0123456789`;
const displayName = (format: ProviderFormat): string => `Opus 5.5 via ${format}`;
const firstPrompt = 'Write the proof file and tell me what it says.';
const secondPrompt = 'What did the proof file say?';

type Block = Record<string, unknown> & { type?: string };
const blocksOf = (message: Record<string, unknown> | undefined): Block[] => (Array.isArray(message?.content) ? (message.content as Block[]) : []);

/** Checks the second request of the tool loop in the provider's own history shape: the call, the reasoning before it and the shell output. */
function expectToolLoopHistory(format: ProviderFormat, request: RecordedRequest, proof: string, report: string): void {
  const history = historyOf(format, request);
  const id = toolCallId[format];
  switch (format) {
    case 'anthropic': {
      // Passthrough: Claude Code's own body reaches Anthropic, its adaptive thinking and context management included.
      expect(request.body, report).toMatchObject({ model: upstreamModel.anthropic, thinking: { type: 'adaptive' }, context_management: { edits: [{ type: 'clear_thinking_20251015' }] } });
      const assistant = history.find((message) => blocksOf(message).some((block) => block.type === 'tool_use' && block.id === id));
      const blocks = blocksOf(assistant);
      // With thinking on, Anthropic refuses a tool loop whose assistant turn lost its signed thinking block: byte for byte.
      expect(blocks[0], report).toEqual({ type: 'thinking', thinking: reasoning, signature: anthropicSignature });
      expect(request.rawBody, report).toContain(`"signature":"${anthropicSignature}"`);
      expect(blocks.find((block) => block.type === 'tool_use'), report).toMatchObject({ id, name: 'Bash', input: { command: proofCommand } });
      const result = history.flatMap(blocksOf).find((block) => block.type === 'tool_result');
      expect(result?.tool_use_id, report).toBe(id);
      expect(JSON.stringify(result?.content), report).toContain(proof);
      return;
    }
    case 'openai-chat': {
      const assistant = history.find((message) => (message.tool_calls as Array<{ id: string }> | undefined)?.some((call) => call.id === id));
      const call = (assistant?.tool_calls as Array<{ id: string; function: { name: string; arguments: string } }> | undefined)?.find((candidate) => candidate.id === id);
      expect(call?.function.name, report).toBe('Bash');
      expect(JSON.parse(call!.function.arguments), report).toMatchObject({ command: proofCommand });
      // DeepSeek-style reasoners need their reasoning back in a tool loop; it went out to Claude Code as a thinking block.
      expect(assistant?.reasoning_content, report).toBe(reasoning);
      const result = history.find((message) => message.role === 'tool');
      expect(result?.tool_call_id, report).toBe(id);
      expect(JSON.stringify(result?.content), report).toContain(proof);
      return;
    }
    case 'openai-responses': {
      const callIndex = history.findIndex((item) => item.type === 'function_call' && item.call_id === id);
      const call = history[callIndex];
      expect(call, report).toMatchObject({ type: 'function_call', call_id: id, name: 'Bash' });
      expect(JSON.parse(String(call?.arguments)), report).toMatchObject({ command: proofCommand });
      // The gateway asked for the encrypted reasoning (store is off), and the reasoning item comes back with it before the call it led to.
      expect(request.body, report).toMatchObject({ store: false, include: ['reasoning.encrypted_content'] });
      const reasoningItem = history.slice(0, callIndex).filter((item) => item.type === 'reasoning').at(-1);
      expect(reasoningItem, report).toMatchObject({ type: 'reasoning', encrypted_content: encryptedReasoning, summary: [{ type: 'summary_text', text: reasoning }] });
      const output = history.find((item) => item.type === 'function_call_output');
      expect(output?.call_id, report).toBe(id);
      expect(JSON.stringify(output?.output), report).toContain(proof);
      return;
    }
    default: {
      const unexpected: never = format;
      throw new Error(`unknown format ${String(unexpected)}`);
    }
  }
}

describe(`Claude Code ${client.version} (claude -p) on its default model through the gateway`, () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: RunningGateway;
  const providers = Object.fromEntries(providerFormats.map((format) => [format, new FakeProvider()])) as Record<ProviderFormat, FakeProvider>;
  const trap = new StrayTrafficTrap();

  beforeAll(async () => {
    await Promise.all([...Object.values(providers).map((provider) => provider.start()), trap.start()]);
    for (const format of providerFormats) providers[format].reply(providerScript(format));
    temp = await makeTempDir('switchboard-e2e-claude-');
    const baseUrl: Record<ProviderFormat, string> = { anthropic: providers.anthropic.url, 'openai-chat': `${providers['openai-chat'].url}/v1`, 'openai-responses': `${providers['openai-responses'].url}/v1` };
    // One key per provider format; each key's profile sends only Claude Code's default model there, so
    // a request for any other model is refused and fails the test.
    await writeConfig(path.join(temp.dir, 'config'), {
      gateway: {
        server: { host: '127.0.0.1', port: 0 },
        providers: Object.fromEntries(providerFormats.map((format) => [providerName[format], { format, base_url: baseUrl[format], retry: { max_retries: 0 } }])),
        keys: Object.fromEntries(providerFormats.map((format) => [`via-${format}`, { sha256: sha256(secretOf(format)), profile: `via-${format}` }])),
        traces: { dir: path.join(temp.dir, 'traces') },
      },
      profiles: Object.fromEntries(
        providerFormats.map((format) => [`via-${format}`, { rules: [{ model: defaultModel, to: `${providerName[format]}/${upstreamModel[format]}`, list_as: [{ model: defaultModel, display_name: displayName(format) }] }] }]),
      ),
    });
    gateway = await startInProcess(path.join(temp.dir, 'config'));
  });
  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([...Object.values(providers).map((provider) => provider.close()), trap.close()]);
    await temp?.remove();
  });

  /** Runs `claude -p` in `root` (its home keeps the session between runs), the way docs/clients.md shows. */
  const runClaude = (format: ProviderFormat, root: string, args: string[]): Promise<ClientRun> =>
    runClient(client, ['-p', ...args, '--allowedTools', 'Bash'], {
      cwd: path.join(root, 'work'),
      timeoutMs: 45_000,
      env: {
        ...isolatedEnv(path.join(root, 'home')),
        ...trap.env(),
        CLAUDE_CONFIG_DIR: path.join(root, 'home', '.claude'),
        ANTHROPIC_BASE_URL: `${gateway.address}/anthropic`,
        ANTHROPIC_AUTH_TOKEN: secretOf(format),
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_TELEMETRY: '1',
        DISABLE_AUTOUPDATER: '1',
        DISABLE_ERROR_REPORTING: '1',
        // Claude Code then reads GET {ANTHROPIC_BASE_URL}/v1/models?limit=1000 for its model picker.
        CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY: '1',
        // The smallest auto-compact window Claude Code accepts: the 150k-token context the provider
        // reports in the first session is past it, so the session's next prompt compacts first.
        CLAUDE_CODE_AUTO_COMPACT_WINDOW: '100000',
      },
    });

  it.each(providerFormats)(
    'to an %s provider: model discovery, a Bash tool loop, then an auto-compaction driven by the usage the provider reported',
    { timeout: 120_000 },
    async (format) => {
      expect(client.version).toContain(client.pinned);
      const provider = providers[format];
      const root = path.join(temp.dir, format);
      await Promise.all([mkdir(path.join(root, 'home'), { recursive: true }), mkdir(path.join(root, 'work'), { recursive: true })]);
      const strayBefore = trap.attempts.length;
      const describeRequests = (requests: RecordedRequest[]): string =>
        requests.map((request) => `${request.method} ${request.url} model=${String(request.body.model)} step=${stepOf(format, request)}`).join('\n');

      // Session 1: the tool loop.
      const first = await runClaude(format, root, [firstPrompt]);
      const loop = [...provider.requests];
      let report = `${describeRun(first)}\n--- upstream requests\n${describeRequests(loop)}`;
      const proof = readProof(path.join(root, 'work'));
      expect(proof, report).toMatch(/^sb-e2e-\d+$/);
      expect(loop.map((request) => stepOf(format, request)), report).toEqual(['tool-call', 'final']);
      for (const request of loop) expect(request.body.model, report).toBe(upstreamModel[format]);
      expect(carriesToolResult(format, loop[0]!), report).toBe(false);
      expectToolLoopHistory(format, loop[1]!, proof!, report);
      expect(first.code, report).toBe(0);
      expect(first.stdout, report).toContain(finalAnswer(format));
      // Model discovery: Claude Code kept the names the key's profile lists.
      const discovered = JSON.parse(await readFile(path.join(root, 'home', '.claude', 'cache', 'gateway-models.json'), 'utf8')) as Record<string, unknown>;
      expect(discovered, report).toMatchObject({ baseUrl: `${gateway.address}/anthropic`, models: [{ id: defaultModel, display_name: displayName(format) }] });

      // Session 2 continues session 1: Claude Code compacts before sending the new prompt.
      const second = await runClaude(format, root, ['--continue', secondPrompt]);
      const after = provider.requests.slice(loop.length);
      report = `${describeRun(second)}\n--- upstream requests\n${describeRequests(after)}`;
      expect(after.map((request) => stepOf(format, request)), report).toEqual(['compaction', 'after-compaction']);
      const [compaction, resumed] = after as [RecordedRequest, RecordedRequest];
      // The compaction request is a normal request of the same route that carries the whole tool loop.
      expect(compaction.body.model, report).toBe(upstreamModel[format]);
      expect(compaction.rawBody, report).toContain(proof!);
      expect(isCompactionRequest(resumed), report).toBe(false);
      // The summary replaced the history: the old tool call is gone, the new prompt follows the summary.
      expect(resumed.rawBody, report).not.toContain(toolCallId[format]);
      expect(resumed.rawBody.indexOf(summaryText), report).toBeLessThan(resumed.rawBody.lastIndexOf(secondPrompt));
      expect(second.code, report).toBe(0);
      expect(second.stdout, report).toContain(answerAfterCompaction(format));
      // The gateway recognised Claude Code's compaction prompt: the trace line of that request says so.
      await gateway.traces.flush();
      const kinds = (await readTraceRecordsInOrder(path.join(temp.dir, 'traces'))).filter((line) => line.key === `via-${format}` && line.inbound.path.endsWith('/messages')).map((line) => line.kind);
      expect(kinds, report).toEqual(['turn', 'turn', 'compaction', 'turn']);

      expect(trap.attempts.slice(strayBefore), `requests that did not go to the gateway\n${report}`).toEqual([]);
    },
  );
});

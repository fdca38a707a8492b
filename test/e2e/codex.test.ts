import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import { FakeProvider, type FakeReply, type RecordedRequest } from '../helpers/fake-provider.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { baseConfig, makeTempDir, testSecrets, writeConfig } from '../helpers/test-config.js';
import { anthropicTurnMessage, anthropicTurnStream, chatTurnCompletion, chatTurnStream, type ScriptedTurn } from '../helpers/wire-transcripts.js';
import { writeCodexConfig } from './codex-config.js';
import { describeRun, findClient, isolatedEnv, proofCommand, readProof, runClient, StrayTrafficTrap } from './real-clients.js';

const client = findClient('codex');
if (!client.runnable) console.warn(`skipping the Codex e2e tests: ${client.reason}`);

type ProviderFormat = 'anthropic' | 'openai-chat';

/** Codex 0.16x's shell tool: `exec_command` with `{cmd}` (older releases had `shell` with an argv array). */
const shellTool = 'exec_command';
const reasoning = 'The user wants the proof file written and read back.';
/** The signature anthropicTurnStream puts on its thinking block. */
const anthropicSignature = 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds';
const finalAnswer = (format: ProviderFormat): string => `Done: the proof file is written and read back (codex e2e via ${format}).`;
const toolCallId: Record<ProviderFormat, string> = { anthropic: 'toolu_01SbE2ECodex', 'openai-chat': 'call_sbE2ECodex01' };
const modelFor: Record<ProviderFormat, string> = { anthropic: 'e2e-via-anthropic', 'openai-chat': 'e2e-via-chat' };

interface AnthropicBlock {
  type: string;
  id?: string;
  name?: string;
  input?: unknown;
  tool_use_id?: string;
  content?: unknown;
  signature?: string;
  thinking?: string;
}
interface AnthropicMessage {
  role: string;
  content: string | AnthropicBlock[];
}
interface ChatMessage {
  role: string;
  content?: unknown;
  tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
  tool_call_id?: string;
  reasoning_content?: string;
}

const blocksOf = (message: AnthropicMessage): AnthropicBlock[] => (Array.isArray(message.content) ? message.content : []);
const anthropicMessages = (request: RecordedRequest): AnthropicMessage[] => (Array.isArray(request.body.messages) ? (request.body.messages as AnthropicMessage[]) : []);
const chatMessages = (request: RecordedRequest): ChatMessage[] => (Array.isArray(request.body.messages) ? (request.body.messages as ChatMessage[]) : []);

/** Does the upstream request offer Codex's shell tool, in the provider's tool shape? */
function offersShell(format: ProviderFormat, request: RecordedRequest): boolean {
  const tools = Array.isArray(request.body.tools) ? (request.body.tools as Array<{ name?: string; function?: { name?: string } }>) : [];
  return tools.some((tool) => (format === 'anthropic' ? tool.name : tool.function?.name) === shellTool);
}

function carriesToolResult(format: ProviderFormat, request: RecordedRequest): boolean {
  if (format === 'openai-chat') return chatMessages(request).some((message) => message.role === 'tool');
  return anthropicMessages(request).some((message) => blocksOf(message).some((block) => block.type === 'tool_result'));
}

/**
 * The provider's side of the loop in its own wire format: reasoning and a
 * shell call first, the final answer once the call's output is back; a
 * request without the shell tool (a side request) gets plain text.
 */
function providerScript(format: ProviderFormat): (request: RecordedRequest) => FakeReply {
  return (request) => {
    const model = String(request.body.model);
    let turn: ScriptedTurn;
    if (!offersShell(format, request)) turn = { text: 'Side answer.' };
    else if (carriesToolResult(format, request)) turn = { text: finalAnswer(format) };
    else turn = { reasoning, text: 'I will run the command.', toolCall: { id: toolCallId[format], name: shellTool, argumentPieces: ['{"cmd":', JSON.stringify(proofCommand), '}'] } };
    const stream = request.body.stream === true;
    if (format === 'anthropic') return stream ? { kind: 'sse', frames: anthropicTurnStream(model, turn) } : { kind: 'json', body: anthropicTurnMessage(model, turn) };
    return stream ? { kind: 'sse', frames: chatTurnStream(model, turn) } : { kind: 'json', body: chatTurnCompletion(model, turn) };
  };
}

/** Checks the second upstream request of the loop: the call Codex made and the shell output it sent back. */
function expectToolResultSent(format: ProviderFormat, request: RecordedRequest, proof: string, report: string): void {
  const id = toolCallId[format];
  if (format === 'openai-chat') {
    const history = chatMessages(request);
    const assistant = history.find((message) => message.tool_calls?.some((call) => call.id === id));
    expect(assistant, report).toBeDefined();
    expect(JSON.parse(assistant!.tool_calls!.find((call) => call.id === id)!.function.arguments), report).toMatchObject({ cmd: proofCommand });
    // DeepSeek-style reasoners need their reasoning back in a tool loop; Codex got it as a reasoning item.
    expect.soft(assistant!.reasoning_content, report).toBe(reasoning);
    const result = history.find((message) => message.role === 'tool');
    expect(result?.tool_call_id, report).toBe(id);
    expect(JSON.stringify(result?.content), report).toContain(proof);
    return;
  }
  const history = anthropicMessages(request);
  const assistant = history.find((message) => message.role === 'assistant' && blocksOf(message).some((block) => block.type === 'tool_use' && block.id === id));
  expect(assistant, report).toBeDefined();
  const blocks = blocksOf(assistant!);
  expect(blocks.find((block) => block.type === 'tool_use'), report).toMatchObject({ name: shellTool, input: { cmd: proofCommand } });
  // With thinking on, Anthropic refuses a tool loop whose assistant turn lost its signed thinking block.
  expect.soft(blocks[0], report).toMatchObject({ type: 'thinking', thinking: reasoning, signature: anthropicSignature });
  const result = history.flatMap(blocksOf).find((block) => block.type === 'tool_result');
  expect(result?.tool_use_id, report).toBe(id);
  expect(JSON.stringify(result?.content), report).toContain(proof);
}

describe.skipIf(!client.runnable)(`Codex ${client.runnable ? client.version : ''} (codex exec, wire_api = "responses") through the gateway`, () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: RunningGateway;
  const providers: Record<ProviderFormat, FakeProvider> = { anthropic: new FakeProvider(), 'openai-chat': new FakeProvider() };
  const trap = new StrayTrafficTrap();

  beforeAll(async () => {
    await Promise.all([providers.anthropic.start(), providers['openai-chat'].start(), trap.start()]);
    providers.anthropic.reply(providerScript('anthropic'));
    providers['openai-chat'].reply(providerScript('openai-chat'));
    temp = await makeTempDir('switchboard-e2e-codex-');
    await writeConfig(
      path.join(temp.dir, 'config'),
      baseConfig(
        {
          anth: { format: 'anthropic', base_url: providers.anthropic.url, retry: { max_retries: 0 } },
          chat: { format: 'openai-chat', base_url: `${providers['openai-chat'].url}/v1`, retry: { max_retries: 0 } },
        },
        {
          rules: [
            { model: modelFor.anthropic, to: 'anth/claude-sonnet-4-5' },
            { model: modelFor['openai-chat'], to: 'chat/deepseek-chat' },
          ],
        },
      ),
    );
    gateway = await startInProcess(path.join(temp.dir, 'config'));
  });
  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([providers.anthropic.close(), providers['openai-chat'].close(), trap.close()]);
    await temp?.remove();
  });

  it.each<ProviderFormat>(['anthropic', 'openai-chat'])('to an %s provider: runs the shell call, sends its output back and prints the final answer', { timeout: 60_000 }, async (format) => {
    if (!client.runnable) return;
    expect(client.version).toContain(client.pinned);
    const root = path.join(temp.dir, format);
    const home = path.join(root, 'home');
    const codexHome = path.join(root, 'codex-home');
    const work = path.join(root, 'work');
    await Promise.all([mkdir(home, { recursive: true }), mkdir(codexHome, { recursive: true }), mkdir(work, { recursive: true })]);
    await writeCodexConfig(codexHome, { model: modelFor[format], gatewayAddress: gateway.address });

    const strayBefore = trap.attempts.length;
    const run = await runClient(client, ['exec', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox', '--ephemeral', '--color', 'never', 'Write the proof file and tell me what it says.'], {
      cwd: work,
      timeoutMs: 45_000,
      env: { ...isolatedEnv(home), ...trap.env(), CODEX_HOME: codexHome, SWITCHBOARD_API_KEY: testSecrets.alice },
    });
    const provider = providers[format];
    const report = `${describeRun(run)}\n--- upstream requests\n${provider.requests.map((request) => `${request.method} ${request.url} shell-tool=${offersShell(format, request)} tool-result=${carriesToolResult(format, request)}`).join('\n')}`;

    const proof = readProof(work);
    expect(proof, report).toMatch(/^sb-e2e-\d+$/);

    const loop = provider.requests.filter((request) => offersShell(format, request));
    expect(loop, report).toHaveLength(2);
    expect(carriesToolResult(format, loop[0]!), report).toBe(false);
    expectToolResultSent(format, loop[1]!, proof!, report);

    expect(run.code, report).toBe(0);
    expect(run.stdout, report).toContain(finalAnswer(format));
    expect(trap.attempts.slice(strayBefore), `requests that did not go to the gateway\n${report}`).toEqual([]);
  });
});

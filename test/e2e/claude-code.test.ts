import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import { FakeProvider, type FakeReply, type RecordedRequest } from '../helpers/fake-provider.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { baseConfig, makeTempDir, testSecrets, writeConfig } from '../helpers/test-config.js';
import { chatTurnCompletion, chatTurnStream, type ScriptedTurn } from '../helpers/wire-transcripts.js';
import { describeRun, findClient, isolatedEnv, proofCommand, readProof, runClient, StrayTrafficTrap } from './real-clients.js';

const client = findClient('claude');
if (!client.runnable) console.warn(`skipping the Claude Code e2e test: ${client.reason}`);

interface ChatMessage {
  role: string;
  content?: unknown;
  tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
  tool_call_id?: string;
  reasoning_content?: string;
}

const toolCallId = 'call_sbE2EClaude01';
const reasoning = 'The user wants the proof file written and read back.';
const finalAnswer = 'Done: the proof file is written and read back (claude-code e2e).';

const messagesOf = (request: RecordedRequest): ChatMessage[] => (Array.isArray(request.body.messages) ? (request.body.messages as ChatMessage[]) : []);
const offersBash = (request: RecordedRequest): boolean => Array.isArray(request.body.tools) && (request.body.tools as Array<{ function?: { name?: string } }>).some((tool) => tool.function?.name === 'Bash');

/**
 * A DeepSeek-like Chat Completions upstream: the request that offers the Bash
 * tool gets reasoning plus a Bash call, the one that carries its result gets
 * the final answer, and anything else (a title or quota side request to a
 * small model) gets plain text.
 */
function chatProviderScript(request: RecordedRequest): FakeReply {
  const model = String(request.body.model);
  let turn: ScriptedTurn;
  if (!offersBash(request)) turn = { text: 'Side answer.' };
  else if (messagesOf(request).some((message) => message.role === 'tool')) turn = { text: finalAnswer };
  else turn = { reasoning, text: 'I will run the command.', toolCall: { id: toolCallId, name: 'Bash', argumentPieces: ['{"command":', JSON.stringify(proofCommand), ',"description":"Write the proof file"}'] } };
  return request.body.stream === true ? { kind: 'sse', frames: chatTurnStream(model, turn) } : { kind: 'json', body: chatTurnCompletion(model, turn) };
}

describe.skipIf(!client.runnable)(`Claude Code ${client.runnable ? client.version : ''} (claude -p) through the gateway to an openai-chat provider`, () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: RunningGateway;
  const provider = new FakeProvider();
  const trap = new StrayTrafficTrap();

  beforeAll(async () => {
    await Promise.all([provider.start(), trap.start()]);
    provider.reply(chatProviderScript);
    temp = await makeTempDir('switchboard-e2e-claude-');
    await writeConfig(
      path.join(temp.dir, 'config'),
      baseConfig({ chat: { format: 'openai-chat', base_url: `${provider.url}/v1`, retry: { max_retries: 0 } } }, { rules: [], default: 'chat/deepseek-chat' }),
    );
    gateway = await startInProcess(path.join(temp.dir, 'config'));
  });
  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([provider.close(), trap.close()]);
    await temp?.remove();
  });

  it('runs the Bash tool the provider asks for, sends its output back and prints the final answer', { timeout: 60_000 }, async () => {
    if (!client.runnable) return;
    expect(client.version).toContain(client.pinned);
    const home = path.join(temp.dir, 'home');
    const work = path.join(temp.dir, 'work');
    await Promise.all([mkdir(home), mkdir(work)]);

    const strayBefore = trap.attempts.length;
    const run = await runClient(client, ['-p', 'Write the proof file and tell me what it says.', '--allowedTools', 'Bash', '--no-session-persistence'], {
      cwd: work,
      timeoutMs: 45_000,
      env: {
        ...isolatedEnv(home),
        ...trap.env(),
        CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
        ANTHROPIC_BASE_URL: `${gateway.address}/anthropic`,
        ANTHROPIC_AUTH_TOKEN: testSecrets.alice,
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_TELEMETRY: '1',
        DISABLE_AUTOUPDATER: '1',
        DISABLE_ERROR_REPORTING: '1',
      },
    });
    const report = `${describeRun(run)}\n--- upstream requests\n${provider.requests.map((request) => `${request.method} ${request.url} tools=${offersBash(request)} messages=${messagesOf(request).map((message) => message.role).join(',')}`).join('\n')}`;

    // The client ran the shell command it was asked for.
    const proof = readProof(work);
    expect(proof, report).toMatch(/^sb-e2e-\d+$/);

    // The tool loop reached the provider as two Chat requests; the second carries the call and its output.
    const loop = provider.requests.filter(offersBash);
    expect(loop, report).toHaveLength(2);
    expect(messagesOf(loop[0]!).some((message) => message.role === 'tool'), report).toBe(false);
    const history = messagesOf(loop[1]!);
    const assistant = history.find((message) => message.tool_calls?.some((call) => call.id === toolCallId));
    expect(assistant, report).toBeDefined();
    expect(JSON.parse(assistant!.tool_calls!.find((call) => call.id === toolCallId)!.function.arguments), report).toMatchObject({ command: proofCommand });
    // DeepSeek-style reasoners need their reasoning back in a tool loop; it went out to Claude Code as a thinking block.
    expect.soft(assistant!.reasoning_content, report).toBe(reasoning);
    const result = history.find((message) => message.role === 'tool');
    expect(result?.tool_call_id, report).toBe(toolCallId);
    expect(JSON.stringify(result?.content), report).toContain(proof!);

    // The client printed the final answer and exited cleanly.
    expect(run.code, report).toBe(0);
    expect(run.stdout, report).toContain(finalAnswer);
    expect(trap.attempts.slice(strayBefore), `requests that did not go to the gateway\n${report}`).toEqual([]);
  });
});

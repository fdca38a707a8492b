import type { IncomingMessage } from 'node:http';
import { readFile, writeFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import { FakeProvider, type FakeReply, type RecordedRequest } from '../helpers/fake-provider.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { baseConfig, makeTempDir, testSecrets, writeConfig } from '../helpers/test-config.js';
import { anthropicTurnStream, chatTurnStream, responsesTurnStream, type ScriptedTurn } from '../helpers/wire-transcripts.js';
import { readTraceRecordsInOrder } from '../helpers/trace-lines.js';
import { runCodexExec } from './codex-run.js';
import { describeRun, proofCommand, readProof, requireClient, StrayTrafficTrap, type ClientRun, type RealClient } from './real-clients.js';

/**
 * Codex 0.169 with `supports_websockets = true` on its provider: it opens
 * `ws://gateway/v1/responses`, warms the connection up with a `generate:false`
 * frame, then sends each turn as a `response.create` frame continuing from the
 * previous response (`previous_response_id` plus only the new items). These
 * tests run the real binary through the gateway and check the WebSocket was the
 * transport: upgrades seen, no `POST /v1/responses`.
 */

type ProviderFormat = 'openai-responses' | 'anthropic' | 'openai-chat';

/** Codex 0.169's shell tool. */
const shellTool = 'exec_command';
const finalAnswer = (format: ProviderFormat): string => `Done: the proof file is written and read back (codex over WebSocket via ${format}).`;
const modelFor = (format: ProviderFormat): string => `e2e-ws-${format}`;
const toolCallId: Record<ProviderFormat, string> = { 'openai-responses': 'call_sbWsResponses01', anthropic: 'toolu_01SbWsCodex', 'openai-chat': 'call_sbWsChat01' };

interface ToolShape {
  name?: string;
  function?: { name?: string };
}

/** Does the upstream request offer Codex's shell tool, in the provider's own tool shape? */
function offersShell(request: RecordedRequest): boolean {
  const tools = Array.isArray(request.body.tools) ? (request.body.tools as ToolShape[]) : [];
  return tools.some((tool) => (tool.name ?? tool.function?.name) === shellTool);
}

/** Did the shell's output come back, in the provider's own tool-result shape? */
function carriesToolResult(format: ProviderFormat, request: RecordedRequest): boolean {
  const marker = { 'openai-responses': '"type":"function_call_output"', anthropic: '"type":"tool_result"', 'openai-chat': '"role":"tool"' }[format];
  return request.rawBody.includes(marker);
}

/** The provider's side of the loop: reasoning and a shell call first, the final answer once the output is back; side requests get plain text. */
function providerScript(format: ProviderFormat): (request: RecordedRequest) => FakeReply {
  return (request) => {
    const model = String(request.body.model);
    let turn: ScriptedTurn;
    if (!offersShell(request)) turn = { text: 'Side answer.' };
    else if (carriesToolResult(format, request)) turn = { text: finalAnswer(format) };
    else turn = { reasoning: 'The user wants the proof file.', text: 'I will run the command.', toolCall: { id: toolCallId[format], name: shellTool, argumentPieces: ['{"cmd":', JSON.stringify(proofCommand), '}'] } };
    const frames = format === 'anthropic' ? anthropicTurnStream(model, turn) : format === 'openai-chat' ? chatTurnStream(model, turn) : responsesTurnStream(model, turn);
    return { kind: 'sse', frames };
  };
}

/** What reached the gateway's HTTP server during one run: WebSocket upgrades (and the bytes sent on them) and plain requests. */
class GatewayTap {
  upgrades: string[] = [];
  requests: string[] = [];
  private readonly sockets: Socket[] = [];
  private readonly onUpgrade = (request: IncomingMessage, socket: Socket): void => {
    this.upgrades.push(`${request.method} ${request.url}`);
    this.sockets.push(socket);
  };
  private readonly onRequest = (request: IncomingMessage): void => {
    this.requests.push(`${request.method} ${request.url}`);
  };

  constructor(private readonly gateway: RunningGateway) {
    gateway.app.server.on('upgrade', this.onUpgrade);
    gateway.app.server.on('request', this.onRequest);
  }

  /** Bytes the client sent on its WebSocket connections (handshake and frames). */
  bytesFromClient(): number {
    return this.sockets.reduce((total, socket) => total + socket.bytesRead, 0);
  }

  detach(): void {
    this.gateway.app.server.off('upgrade', this.onUpgrade);
    this.gateway.app.server.off('request', this.onRequest);
  }
}

/** The Codex binary; a client that cannot run here fails the test, it is never skipped. */
function codexBinary(): RealClient {
  const client = requireClient('codex');
  expect(client.version).toContain(client.pinned);
  return client;
}

describe(`Codex (codex exec) over the Responses WebSocket (supports_websockets = true)`, () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: RunningGateway;
  const tracesDir = (): string => path.join(temp.dir, 'traces');
  const providers: Record<ProviderFormat, FakeProvider> = { 'openai-responses': new FakeProvider(), anthropic: new FakeProvider(), 'openai-chat': new FakeProvider() };
  const trap = new StrayTrafficTrap();

  beforeAll(async () => {
    await Promise.all([...Object.values(providers).map((provider) => provider.start()), trap.start()]);
    for (const [format, provider] of Object.entries(providers) as Array<[ProviderFormat, FakeProvider]>) provider.reply(providerScript(format));
    temp = await makeTempDir('switchboard-e2e-codex-ws-');
    await writeConfig(
      path.join(temp.dir, 'config'),
      baseConfig(
        {
          resp: { format: 'openai-responses', base_url: `${providers['openai-responses'].url}/v1`, retry: { max_retries: 0 } },
          anth: { format: 'anthropic', base_url: providers.anthropic.url, retry: { max_retries: 0 } },
          chat: { format: 'openai-chat', base_url: `${providers['openai-chat'].url}/v1`, retry: { max_retries: 0 } },
        },
        {
          rules: [
            { model: modelFor('openai-responses'), to: 'resp/gpt-5.5' },
            { model: modelFor('anthropic'), to: 'anth/claude-sonnet-4-5' },
            { model: modelFor('openai-chat'), to: 'chat/deepseek-chat' },
            { model: 'e2e-ws-off', to: 'mock/echo' },
          ],
        },
        path.join(temp.dir, 'traces'),
      ),
    );
    gateway = await startInProcess(path.join(temp.dir, 'config'));
  });
  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([...Object.values(providers).map((provider) => provider.close()), trap.close()]);
    await temp?.remove();
  });

  /** Runs `codex exec` in a fresh home whose provider is the gateway with `supports_websockets = true`. */
  async function runCodex(found: RealClient, name: string, model: string, prompt: string): Promise<{ run: ClientRun; work: string }> {
    // A model name of ours, so Codex sends plain `tools` (codex-code-mode.test.ts covers its default model).
    return runCodexExec(found, { root: path.join(temp.dir, name), gateway: gateway.address, apiKey: testSecrets.alice, trap, model, prompt, supportsWebsockets: true, timeoutMs: 60_000 });
  }

  it.each<ProviderFormat>(['openai-responses', 'anthropic', 'openai-chat'])(
    'to an %s provider: the tool loop runs over the WebSocket, each turn continuing from the previous response, with no HTTP request',
    { timeout: 90_000 },
    async (format) => {
      const codex = codexBinary();
      const tap = new GatewayTap(gateway);
      const provider = providers[format];
      const upstreamBefore = provider.requests.length;
      const strayBefore = trap.attempts.length;
      const linesBefore = (await readTraceRecordsInOrder(tracesDir())).length;
      const { run, work } = await runCodex(codex, format, modelFor(format), 'Write the proof file and tell me what it says.');
      tap.detach();
      await gateway.traces.flush();
      const lines = (await readTraceRecordsInOrder(tracesDir())).slice(linesBefore);
      const upstream = provider.requests.slice(upstreamBefore);
      const report = [
        describeRun(run),
        `--- gateway: upgrades ${JSON.stringify(tap.upgrades)}, requests ${JSON.stringify(tap.requests)}, ${tap.bytesFromClient()} bytes from the client`,
        '--- trace lines',
        ...lines.map((line) => `${line.inbound.transport ?? 'http'} ${line.status} ${line.provider} ${line.error?.code ?? ''}`),
        '--- upstream requests',
        ...upstream.map((request) => `${request.method} ${request.url} shell-tool=${offersShell(request)} tool-result=${carriesToolResult(format, request)}`),
      ].join('\n');

      const proof = readProof(work);
      expect(proof, report).toMatch(/^sb-e2e-\d+$/);
      expect(run.code, report).toBe(0);
      expect(run.stdout, report).toContain(finalAnswer(format));
      expect(run.stderr + run.stdout, report).not.toContain('Falling back from WebSockets');

      // The transport: WebSocket upgrades to /v1/responses, and no HTTP request at all to the gateway.
      expect(tap.upgrades.length, report).toBeGreaterThanOrEqual(1);
      expect(new Set(tap.upgrades), report).toEqual(new Set(['GET /v1/responses']));
      expect(tap.requests, report).toEqual([]);

      // Every frame served and traced as a WebSocket request; Codex's warm-up answered by the gateway; no continuation refused.
      expect(lines.length, report).toBeGreaterThanOrEqual(3);
      for (const line of lines) expect(line, report).toMatchObject({ inbound: { path: '/v1/responses', transport: 'websocket' }, status: 200, error: null });
      expect(lines.filter((line) => line.provider === null).length, report).toBeGreaterThanOrEqual(1);

      // The loop: the call, then its output sent back with the history the gateway rebuilt from previous_response_id.
      const loop = upstream.filter(offersShell);
      expect(loop, report).toHaveLength(2);
      expect(carriesToolResult(format, loop[0]!), report).toBe(false);
      expect(carriesToolResult(format, loop[1]!), report).toBe(true);
      expect(loop[1]!.rawBody, report).toContain(proof!);
      expect(loop[1]!.rawBody, report).toContain(toolCallId[format]);
      expect(loop[1]!.body.previous_response_id, report).toBeUndefined();
      // Codex sent only what was new each turn: fewer bytes than the whole requests the gateway served.
      const served = lines.reduce((total, line) => total + JSON.stringify(line.request).length, 0);
      expect(tap.bytesFromClient(), report).toBeLessThan(served * 0.8);

      expect(trap.attempts.slice(strayBefore), `requests that did not go to the gateway\n${report}`).toEqual([]);
    },
  );

  it('with server.websocket: false, Codex is refused at the upgrade and switches to HTTP at once', { timeout: 90_000 }, async () => {
    const codex = codexBinary();
    const configPath = path.join(temp.dir, 'config', 'gateway.yaml');
    const original = await readFile(configPath, 'utf8');
    await writeFile(configPath, original.replace('port: 0\n', 'port: 0\n  websocket: false\n'));
    await gateway.state.store.reload('test');
    expect(gateway.state.store.current.server.websocket).toBe(false);
    const tap = new GatewayTap(gateway);
    try {
      const { run } = await runCodex(codex, 'websocket-off', 'e2e-ws-off', 'Say hello.');
      const report = `${describeRun(run)}\n--- gateway: upgrades ${JSON.stringify(tap.upgrades)}, requests ${JSON.stringify(tap.requests)}`;
      expect(run.code, report).toBe(0);
      expect(run.stdout, report).toContain('Mock answer');
      // One refused upgrade (426), then every turn over HTTP: no rounds of WebSocket retries.
      expect(tap.upgrades, report).toEqual(['GET /v1/responses']);
      expect(tap.requests.filter((request) => request === 'POST /v1/responses').length, report).toBeGreaterThanOrEqual(1);
    } finally {
      tap.detach();
      await writeFile(configPath, original);
      await gateway.state.store.reload('test');
    }
  });
});

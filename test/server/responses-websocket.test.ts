import { readFile } from 'node:fs/promises';
import path from 'node:path';
import OpenAI from 'openai';
import { ResponsesWS } from 'openai/resources/responses/ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import type { TraceRecord } from '../../src/traces/trace-record.js';
import { FakeProvider, type FakeReply, type RecordedRequest } from '../helpers/fake-provider.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { outputItems, postResponsesStream, ResponsesSocket, responseIdOf, UpgradeRefused, withStableIds, type Frame } from '../helpers/responses-socket.js';
import { oneProviderPerFormat, rulesToEachFormat, type ProviderFormat } from '../helpers/format-providers.js';
import { baseConfig, makeTempDir, testSecrets, writeConfig } from '../helpers/test-config.js';
import { anthropicTurnStream, chatTurnStream, responsesTurnResponse, responsesTurnStream, type ScriptedTurn } from '../helpers/wire-transcripts.js';

const providerFormats: ProviderFormat[] = ['anthropic', 'openai-chat', 'openai-responses'];
const modelFor = (format: ProviderFormat | 'mock'): string => `ws-${format}`;
const alice = { authorization: `Bearer ${testSecrets.alice}` };

const toolCallTurn = (id: string): ScriptedTurn => ({ reasoning: 'I should list the files.', text: 'Let me look.', toolCall: { id, name: 'bash', argumentPieces: ['{"comm', 'and":"ls', ' -la"}'] } });
const answerTurn: ScriptedTurn = { text: 'The folder holds a.txt and b.txt.' };
const bashTool = { type: 'function', name: 'bash', description: 'Run a shell command', parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] }, strict: false };
const userMessage = (text: string): Record<string, unknown> => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });

/** The request text the provider got, to find markers and tool results in whatever format it speaks. */
const sentText = (request: RecordedRequest): string => request.rawBody;

/** Answers with a tool call until the tool's output comes back, then with the final text; `hang` in the request stalls the stream. */
function script(format: ProviderFormat): (request: RecordedRequest) => FakeReply {
  return (request) => {
    const model = String(request.body.model);
    const text = sentText(request);
    const turn = text.includes('a.txt b.txt') ? answerTurn : toolCallTurn(format === 'anthropic' ? 'toolu_01WS' : 'call_01WS');
    if (text.includes('json please') && format === 'openai-responses') return { kind: 'json', body: responsesTurnResponse(model, answerTurn) };
    if (text.includes('upstream refuses')) return { kind: 'json', status: 400, body: { error: { type: 'invalid_request_error', message: 'the model refuses this request' } } };
    const frames = format === 'anthropic' ? anthropicTurnStream(model, turn) : format === 'openai-chat' ? chatTurnStream(model, turn) : responsesTurnStream(model, turn);
    if (text.includes('hang')) return { kind: 'sse', frames, hangAfter: 2 };
    if (text.includes('break')) return { kind: 'sse', frames, breakAfter: 3 };
    return { kind: 'sse', frames };
  };
}

describe('the Responses API over WebSocket (GET /v1/responses upgraded)', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: RunningGateway;
  const tracesDir = (): string => path.join(temp.dir, 'traces');
  const providers: Record<ProviderFormat, FakeProvider> = { anthropic: new FakeProvider(), 'openai-chat': new FakeProvider(), 'openai-responses': new FakeProvider() };

  beforeAll(async () => {
    await Promise.all(Object.values(providers).map((provider) => provider.start()));
    for (const format of providerFormats) providers[format].reply(script(format));
    temp = await makeTempDir('switchboard-ws-');
    const config = baseConfig(oneProviderPerFormat(providers), { rules: [...rulesToEachFormat(modelFor), { model: modelFor('mock'), to: 'mock/echo' }] }, path.join(temp.dir, 'traces'));
    (config.gateway.keys as Record<string, Record<string, unknown>>).bob!.limits = { requests_per_minute: 2 };
    await writeConfig(temp.dir, config);
    gateway = await startInProcess(temp.dir);
  });
  afterAll(async () => {
    await gateway.stop();
    await Promise.all(Object.values(providers).map((provider) => provider.close()));
    await temp.remove();
  });

  /** The trace lines written so far, once the line of request `id` is among them. */
  async function traceLinesUntil(predicate: (lines: TraceRecord[]) => boolean): Promise<TraceRecord[]> {
    let lines: TraceRecord[] = [];
    await vi.waitFor(
      async () => {
        await gateway.traces.flush();
        const text = await readFile(path.join(tracesDir(), 'traces.jsonl'), 'utf8').catch(() => '');
        lines = text
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as TraceRecord);
        expect(predicate(lines)).toBe(true);
      },
      { timeout: 10_000, interval: 50 },
    );
    return lines;
  }

  describe.each([...providerFormats, 'mock' as const])('to a %s provider', (format) => {
    const model = modelFor(format);
    const request = { model, instructions: 'You are a coding agent.', input: [userMessage('What is in this folder?')], tools: [bashTool], store: false };

    it('streams the same events as POST /v1/responses does, and continues from previous_response_id with the history an HTTP client resends', async () => {
      const socket = await ResponsesSocket.open(gateway.address, alice);
      const http1 = await postResponsesStream(gateway.address, alice, request);
      expect(http1.status).toBe(200);
      const ws1 = await socket.create(request);
      expect(ws1.at(-1)!.type).toBe('response.completed');
      expect(withStableIds(ws1)).toEqual(withStableIds(http1.events));

      const call = outputItems(ws1).find((item) => (item as { type: string }).type === 'function_call') as { call_id: string } | undefined;
      const toolOutput = { type: 'function_call_output', call_id: call?.call_id ?? 'no-call', output: 'a.txt b.txt' };
      const upstream = format === 'mock' ? undefined : providers[format];
      const before = upstream?.requests.length ?? 0;
      const http2 = await postResponsesStream(gateway.address, alice, { ...request, input: [...request.input, ...outputItems(http1.events), toolOutput] });
      const ws2 = await socket.create({ ...request, input: [toolOutput], previous_response_id: responseIdOf(ws1) });
      expect(ws2.at(-1)!.type).toBe('response.completed');
      expect(withStableIds(ws2)).toEqual(withStableIds(http2.events));
      await socket.close();

      if (upstream === undefined) return;
      expect(call).toBeDefined();
      const [overHttp, overSocket] = upstream.requests.slice(before);
      expect(overSocket, 'one upstream request per frame').toBeDefined();
      // The provider cannot tell the two transports apart: same body, tool result included, no previous_response_id.
      expect(withStableIds(overSocket!.body)).toEqual(withStableIds(overHttp!.body));
      expect(sentText(overSocket!)).toContain('a.txt b.txt');
      expect(overSocket!.body.previous_response_id).toBeUndefined();
      expect(overSocket!.headers['openai-beta']).toBeUndefined();
    });
  });

  it('answers a generate:false warm-up itself, remembers its input for the next frame, and writes one trace line per frame', async () => {
    const upstream = providers['openai-responses'];
    const socket = await ResponsesSocket.open(gateway.address, { ...alice, 'session-id': 'ws-session-1' });
    const instructions = { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'You are a coding agent (warm-up).' }] };
    const before = upstream.requests.length;
    const warm = await socket.create({ model: modelFor('openai-responses'), input: [instructions], tools: [bashTool], store: false, generate: false });
    expect(warm.map((frame) => frame.type)).toEqual(['response.created', 'response.in_progress', 'response.completed']);
    expect(warm[2]).toMatchObject({ response: { status: 'completed', output: [], usage: { input_tokens: 0, output_tokens: 0 } } });
    expect(upstream.requests.length, 'a warm-up calls no provider').toBe(before);

    const turn = await socket.create({ model: modelFor('openai-responses'), input: [userMessage('What is in this folder?')], tools: [bashTool], store: false, previous_response_id: responseIdOf(warm) });
    expect(turn.at(-1)!.type).toBe('response.completed');
    expect(upstream.requests.length).toBe(before + 1);
    expect(upstream.requests.at(-1)!.body.input).toEqual([instructions, userMessage('What is in this folder?')]);
    await socket.close();

    const lines = await traceLinesUntil((all) => all.filter((line) => line.session === 'ws-session-1').length === 2);
    const [warmLine, turnLine] = lines.filter((line) => line.session === 'ws-session-1');
    expect(warmLine).toMatchObject({ inbound: { format: 'openai-responses', path: '/v1/responses', transport: 'websocket' }, status: 200, provider: null, error: null, key: 'alice' });
    expect(turnLine).toMatchObject({ inbound: { transport: 'websocket' }, status: 200, provider: 'resp', upstream_format: 'openai-responses', error: null });
    // The trace holds the request as served: the whole input, not the frame's increment.
    expect((turnLine!.request as { input: unknown[] }).input).toEqual([instructions, userMessage('What is in this folder?')]);
  });

  it('answers an unknown previous_response_id with the error frame Codex resends the full input on, and keeps the connection', async () => {
    const socket = await ResponsesSocket.open(gateway.address, alice);
    const [error] = await socket.create({ model: modelFor('mock'), input: [userMessage('hello')], previous_response_id: 'resp_from_another_connection' });
    expect(error).toMatchObject({
      type: 'error',
      status: 400,
      error: { code: 'previous_response_not_found', type: 'invalid_request_error' },
      headers: { 'x-switchboard-error-code': 'SB_WEBSOCKET_PREVIOUS_RESPONSE_NOT_FOUND', 'x-switchboard-error-source': 'gateway' },
    });
    expect(JSON.stringify(error)).toContain('resp_from_another_connection');
    const retried = await socket.create({ model: modelFor('mock'), input: [userMessage('hello')] });
    expect(retried.at(-1)!.type).toBe('response.completed');
    await socket.close();
  });

  it('answers every bad frame with an error frame in the Responses format and serves the next frame on the same connection', async () => {
    const socket = await ResponsesSocket.open(gateway.address, alice);
    const errorOf = async (send: () => void): Promise<Frame> => {
      const from = socket.frames.length;
      send();
      const frames = await socket.response(from);
      expect(frames).toHaveLength(1);
      return frames[0]!;
    };
    expect(await errorOf(() => socket.send('{"type": "response.create", "model": '))).toMatchObject({ type: 'error', status: 400, error: { code: 'SB_REQUEST_INVALID_JSON' } });
    expect(await errorOf(() => socket.send({ type: 'response.cancel' }))).toMatchObject({ status: 400, error: { code: 'SB_REQUEST_INVALID', message: expect.stringContaining('response.create') } });
    expect(await errorOf(() => socket.socket.send(Buffer.from('{"type":"response.create"}'), { binary: true }))).toMatchObject({ status: 400, error: { code: 'SB_REQUEST_INVALID', message: expect.stringContaining('text frame') } });
    expect(await errorOf(() => socket.send({ type: 'response.create', input: 'no model' }))).toMatchObject({ status: 400, error: { code: 'SB_REQUEST_INVALID', message: expect.stringContaining('model') } });
    expect(await errorOf(() => socket.send({ type: 'response.create', model: 'llama-3', input: 'x' }))).toMatchObject({ status: 404, error: { code: 'SB_ROUTE_NO_MATCH' } });
    expect(await errorOf(() => socket.send({ type: 'response.create', model: modelFor('mock'), input: 'x', background: true }))).toMatchObject({ status: 400, error: { code: 'SB_REQUEST_INVALID' } });
    // A provider's refusal keeps its status and words.
    const refused = await errorOf(() => socket.send({ type: 'response.create', model: modelFor('anthropic'), input: 'upstream refuses' }));
    expect(refused).toMatchObject({ status: 400, error: { message: 'the model refuses this request' }, headers: { 'x-switchboard-error-source': 'upstream', 'x-switchboard-error-code': 'SB_UPSTREAM_HTTP' } });
    // A stream that breaks after it started ends with the Responses failure events, as over HTTP.
    const broken = await socket.create({ model: modelFor('anthropic'), input: 'break please' });
    expect(broken.at(-1)).toMatchObject({ type: 'response.failed', response: { status: 'failed' } });

    const fine = await socket.create({ model: modelFor('mock'), input: 'still here?' });
    expect(fine.at(-1)!.type).toBe('response.completed');
    await socket.close();
  });

  it('authenticates the upgrade like any request: no socket without a valid key, the refusal in OpenAI error JSON, and a trace line', async () => {
    const refusal = async (headers: Record<string, string>): Promise<UpgradeRefused> => {
      const error = await ResponsesSocket.open(gateway.address, headers).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(UpgradeRefused);
      return error as UpgradeRefused;
    };
    const missing = await refusal({});
    expect(missing.status).toBe(401);
    expect(JSON.parse(missing.body)).toMatchObject({ error: { code: 'SB_AUTH_MISSING_KEY', type: 'invalid_request_error' } });
    expect((await refusal({ authorization: 'Bearer sb-not-a-key-at-all' })).status).toBe(401);
    expect((await refusal({ 'x-api-key': 'sb-not-a-key-at-all' })).status).toBe(401);
    const disabled = await refusal({ 'x-api-key': testSecrets.carol, 'user-agent': 'ws-refused-test' });
    expect(disabled.status).toBe(403);
    expect(disabled.headers['x-switchboard-error-code']).toBe('SB_AUTH_KEY_DISABLED');

    const socket = await ResponsesSocket.open(gateway.address, { 'x-api-key': testSecrets.alice });
    expect((await socket.create({ model: modelFor('mock'), input: 'x-api-key works too' })).at(-1)!.type).toBe('response.completed');
    await socket.close();

    const plainGet = await fetch(`${gateway.address}/v1/responses`, { headers: alice });
    expect(plainGet.status).toBe(404);
    expect(((await plainGet.json()) as { error: { message: string } }).error.message).toContain('Upgrade: websocket');

    const lines = await traceLinesUntil((all) => all.some((line) => line.user_agent === 'ws-refused-test'));
    expect(lines.find((line) => line.user_agent === 'ws-refused-test')).toMatchObject({ inbound: { path: '/v1/responses', transport: 'websocket' }, status: 403, key: null, error: { code: 'SB_AUTH_KEY_DISABLED' } });
  });

  it("counts each response.create against the key's limits, not the connection or a warm-up", async () => {
    // bob: requests_per_minute 2, profile alt (the mock provider).
    const socket = await ResponsesSocket.open(gateway.address, { authorization: `Bearer ${testSecrets.bob}` });
    expect((await socket.create({ model: 'any', input: 'warm', generate: false })).at(-1)!.type).toBe('response.completed');
    expect((await socket.create({ model: 'any', input: 'one' })).at(-1)!.type).toBe('response.completed');
    expect((await socket.create({ model: 'any', input: 'two' })).at(-1)!.type).toBe('response.completed');
    const [limited] = await socket.create({ model: 'any', input: 'three' });
    expect(limited).toMatchObject({ type: 'error', status: 429, error: { code: 'SB_LIMIT_RATE' }, headers: { 'retry-after': expect.stringMatching(/^\d+$/) } });
    await socket.close();
  });

  it('refuses a frame sent while a response is streaming, and aborts the upstream call when the client goes away', async () => {
    const upstream = providers['openai-responses'];
    const socket = await ResponsesSocket.open(gateway.address, { ...alice, 'session-id': 'ws-abort' });
    const from = socket.frames.length;
    socket.send({ type: 'response.create', model: modelFor('openai-responses'), input: 'hang on' });
    await vi.waitFor(() => expect(socket.frames.length).toBeGreaterThan(from));
    const before = socket.frames.length;
    socket.send({ type: 'response.create', model: modelFor('mock'), input: 'me too' });
    await vi.waitFor(() => expect(socket.frames.slice(before).some((frame) => frame.type === 'error')).toBe(true));
    expect(socket.frames.slice(before).find((frame) => frame.type === 'error')).toMatchObject({ status: 409, error: { code: 'SB_WEBSOCKET_RESPONSE_IN_FLIGHT' } });

    const hanging = upstream.requests.at(-1)!;
    expect(hanging.aborted).toBe(false);
    socket.socket.terminate();
    await vi.waitFor(() => expect(hanging.aborted).toBe(true), { timeout: 10_000 });
    const aborted = (line: TraceRecord): boolean => line.session === 'ws-abort' && line.error?.code === 'SB_CLIENT_ABORTED';
    const lines = await traceLinesUntil((all) => all.some(aborted));
    expect(lines.find(aborted)).toMatchObject({ provider: 'resp', inbound: { transport: 'websocket' } });
    expect(lines.find((line) => line.session === 'ws-abort' && line.status === 409)).toMatchObject({ error: { code: 'SB_WEBSOCKET_RESPONSE_IN_FLIGHT' } });
  });

  it('streams the events of a Responses provider that answered with one JSON body, and keeps its items for the next frame', async () => {
    const upstream = providers['openai-responses'];
    const socket = await ResponsesSocket.open(gateway.address, alice);
    const events = await socket.create({ model: modelFor('openai-responses'), input: 'json please' });
    expect(events[0]!.type).toBe('response.created');
    expect(events.at(-1)).toMatchObject({ type: 'response.completed', response: { status: 'completed', model: modelFor('openai-responses') } });
    expect(events.filter((event) => event.type === 'response.output_text.delta').map((event) => event.delta)).toEqual([answerTurn.text]);
    await socket.create({ model: modelFor('openai-responses'), input: 'and then?', previous_response_id: responseIdOf(events) });
    const input = upstream.requests.at(-1)!.body.input as Array<{ role?: string; content?: unknown }>;
    expect(input.map((item) => item.role)).toEqual(['user', 'assistant', 'user']);
    expect(JSON.stringify(input[1])).toContain(answerTurn.text!);
    await socket.close();
  });

  it("serves the official openai SDK's Responses WebSocket client", async () => {
    const client = new OpenAI({ apiKey: testSecrets.alice, baseURL: `${gateway.address}/v1`, maxRetries: 0 });
    const socket = new ResponsesWS(client);
    const completed = new Promise<OpenAI.Responses.ResponseCompletedEvent>((resolve, reject) => {
      socket.on('response.completed', resolve);
      socket.on('error', reject);
    });
    let text = '';
    socket.on('response.output_text.delta', (event) => (text += event.delta));
    await new Promise((resolve) => socket.socket.once('open', resolve));
    socket.send({ type: 'response.create', model: modelFor('openai-chat'), input: [{ role: 'user', content: 'a.txt b.txt: what is there?' }] });
    const done = await completed;
    expect(done.response.status).toBe('completed');
    expect(text).toBe('The folder holds a.txt and b.txt.');
    socket.close();
  });
});

describe('server.websocket: false', () => {
  it('refuses the upgrade with 426 and keeps serving POST /v1/responses', async () => {
    const temp = await makeTempDir('switchboard-ws-off-');
    const config = baseConfig({}, { rules: [], default: 'mock/echo' });
    (config.gateway.server as Record<string, unknown>).websocket = false;
    await writeConfig(temp.dir, config);
    const gateway = await startInProcess(temp.dir);
    try {
      const refused = await ResponsesSocket.open(gateway.address, alice).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(refused).toBeInstanceOf(UpgradeRefused);
      expect((refused as UpgradeRefused).status).toBe(426);
      expect((refused as UpgradeRefused).body).toContain('server.websocket: false');
      const http = await postResponsesStream(gateway.address, alice, { model: 'any', input: 'over HTTP' });
      expect(http.status).toBe(200);
      expect(http.events.at(-1)!.type).toBe('response.completed');
    } finally {
      await gateway.stop();
      await temp.remove();
    }
  });
});

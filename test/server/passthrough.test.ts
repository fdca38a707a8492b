import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import { FakeProvider } from '../helpers/fake-provider.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { responseText } from '../helpers/response-text.js';
import { baseConfig, makeTempDir, testSecrets, writeConfig } from '../helpers/test-config.js';
import { anthropicMessage, anthropicTextStream, chatCompletion, chatTextStream, responsesResponse, responsesTextStream } from '../helpers/wire-transcripts.js';

/** Waits until `check` holds, polling (for effects that happen after a response, like an upstream seeing an abort). */
async function eventually(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('same-format passthrough to real upstreams', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: RunningGateway;
  const anthropic = new FakeProvider();
  const chat = new FakeProvider();
  const responses = new FakeProvider();

  beforeAll(async () => {
    await Promise.all([anthropic.start(), chat.start(), responses.start()]);
    const closed = await new FakeProvider().start();
    const deadUrl = closed.url;
    await closed.close();
    process.env.SB_TEST_ANTHROPIC_KEY = 'provider-secret-anthropic';
    process.env.SB_TEST_OPENAI_KEY = 'provider-secret-openai';
    temp = await makeTempDir();
    const fast = { retry: { max_retries: 0 } };
    await writeConfig(
      temp.dir,
      baseConfig(
        {
          mock: { format: 'mock' },
          claude: { format: 'anthropic', base_url: anthropic.url, api_key: '${SB_TEST_ANTHROPIC_KEY}', headers: { 'x-team': 'platform' }, ...fast },
          chatty: { format: 'openai-chat', base_url: `${chat.url}/v1`, api_key: '${SB_TEST_OPENAI_KEY}', ...fast },
          codexy: { format: 'openai-responses', base_url: `${responses.url}/v1`, api_key: '${SB_TEST_OPENAI_KEY}', ...fast },
          dead: { format: 'openai-chat', base_url: deadUrl, api_key: '${SB_TEST_OPENAI_KEY}', ...fast },
          slow: { format: 'anthropic', base_url: anthropic.url, api_key: '${SB_TEST_ANTHROPIC_KEY}', timeouts: { first_byte_ms: 300, idle_ms: 300 }, retry: { max_retries: 0 } },
        },
        {
          rules: [
            { model: 'claude-sonnet-4-5', to: 'claude/claude-sonnet-4-5-20250929' },
            { model: 'claude-slow', to: 'slow/claude-sonnet-4-5-20250929' },
            { model: 'deepseek-chat', to: 'chatty/deepseek-chat-v3' },
            { model: 'gpt-5', to: 'codexy/gpt-5-2025-08-07' },
            { model: 'unreachable', to: 'dead/any' },
            { model: 'claude-sonnet-4-5-20250929', to: 'claude/claude-sonnet-4-5-20250929' },
            { model: 'gpt-5-2025-08-07', to: 'codexy/gpt-5-2025-08-07' },
          ],
        },
      ),
    );
    gateway = await startInProcess(temp.dir);
  });
  afterAll(async () => {
    await gateway.stop();
    await Promise.all([anthropic.close(), chat.close(), responses.close()]);
    await temp.remove();
  });
  afterEach(() => {
    anthropic.requests.length = 0;
    chat.requests.length = 0;
    responses.requests.length = 0;
  });

  const anthropicClient = (): Anthropic => new Anthropic({ apiKey: testSecrets.alice, baseURL: `${gateway.address}/anthropic`, maxRetries: 0 });
  const openaiClient = (): OpenAI => new OpenAI({ apiKey: testSecrets.alice, baseURL: `${gateway.address}/v1`, maxRetries: 0 });

  it('forwards an Anthropic request byte for byte but for the model, with the provider credential and allow-listed headers', async () => {
    anthropic.reply(() => ({ kind: 'json', body: anthropicMessage('claude-sonnet-4-5-20250929', 'Hi there'), headers: { 'request-id': 'req_upstream_1' } }));
    const body = {
      model: 'claude-sonnet-4-5',
      max_tokens: 64,
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hello', cache_control: { type: 'ephemeral' } }] }],
      metadata: { user_id: 'user_abc_account_def_session_0f5c7a3e-1111-4222-8333-944455556666' },
      context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] },
      a_field_nobody_knows: { nested: [1, 2, 3] },
    };
    const raw = JSON.stringify(body);
    const response = await fetch(`${gateway.address}/anthropic/v1/messages?beta=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': testSecrets.alice, 'anthropic-version': '2023-06-01', 'anthropic-beta': 'interleaved-thinking-2025-05-14,some-future-beta', 'x-claude-code-session-id': 'sess-1', cookie: 'secret=1', 'x-stainless-lang': 'js' },
      body: raw,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('request-id')).toBe('req_upstream_1');
    const answer = (await response.json()) as { model: string; content: Array<{ text: string }> };
    expect(answer.model).toBe('claude-sonnet-4-5');
    expect(answer.content[0]!.text).toBe('Hi there');

    const seen = anthropic.requests[0]!;
    expect(seen.url).toBe('/v1/messages');
    expect(seen.rawBody).toBe(raw.replace('"model":"claude-sonnet-4-5"', '"model":"claude-sonnet-4-5-20250929"'));
    expect(seen.headers['x-api-key']).toBe('provider-secret-anthropic');
    expect(seen.headers['anthropic-beta']).toBe('interleaved-thinking-2025-05-14,some-future-beta');
    expect(seen.headers['anthropic-version']).toBe('2023-06-01');
    expect(seen.headers['x-claude-code-session-id']).toBe('sess-1');
    expect(seen.headers['x-stainless-lang']).toBe('js');
    expect(seen.headers['x-team']).toBe('platform');
    expect(seen.headers.cookie).toBeUndefined();
    expect(JSON.stringify(seen.headers)).not.toContain(testSecrets.alice);
  });

  it('relays an Anthropic stream event by event with tool use, model rewritten, readable by the SDK', async () => {
    anthropic.reply(() => ({ kind: 'sse', frames: anthropicTextStream('claude-sonnet-4-5-20250929', ['Let me ', 'check.'], { toolUse: { id: 'toolu_01', name: 'bash', jsonPieces: ['{"comm', 'and": "ls"}'] } }) }));
    const stream = anthropicClient().messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'list files' }], tools: [{ name: 'bash', description: 'run', input_schema: { type: 'object', properties: { command: { type: 'string' } } } }] });
    const events: string[] = [];
    stream.on('streamEvent', (event) => events.push(event.type));
    const final = await stream.finalMessage();
    expect(final.model).toBe('claude-sonnet-4-5');
    expect(final.content).toMatchObject([
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: 'toolu_01', name: 'bash', input: { command: 'ls' } },
    ]);
    expect(final.stop_reason).toBe('tool_use');
    expect(events[0]).toBe('message_start');
    expect(events.at(-1)).toBe('message_stop');
    expect(anthropic.requests[0]!.body.model).toBe('claude-sonnet-4-5-20250929');
  });

  it('relays chat completions, streaming and not, with the model rewritten in every chunk', async () => {
    chat.reply((request) =>
      request.body.stream === true
        ? { kind: 'sse', frames: chatTextStream('deepseek-chat-v3', ['Hel', 'lo'], { toolCall: { id: 'call_1', name: 'shell', argumentPieces: ['{"cmd"', ':"pwd"}'] } }) }
        : { kind: 'json', body: chatCompletion('deepseek-chat-v3', 'Hello') },
    );
    const client = openaiClient();
    const completion = await client.chat.completions.create({ model: 'deepseek-chat', messages: [{ role: 'user', content: 'hi' }], reasoning_effort: 'low', store: false } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(completion.model).toBe('deepseek-chat');
    expect(completion.choices[0]!.message.content).toBe('Hello');
    expect(chat.requests[0]!.url).toBe('/v1/chat/completions');
    expect(chat.requests[0]!.headers.authorization).toBe('Bearer provider-secret-openai');
    expect(chat.requests[0]!.body).toMatchObject({ model: 'deepseek-chat-v3', reasoning_effort: 'low', store: false });

    const stream = await client.chat.completions.create({ model: 'deepseek-chat', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } });
    const models = new Set<string>();
    let text = '';
    let argumentsText = '';
    let usage: unknown;
    for await (const chunk of stream) {
      models.add(chunk.model);
      text += chunk.choices[0]?.delta.content ?? '';
      argumentsText += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect([...models]).toEqual(['deepseek-chat']);
    expect(text).toBe('Hello');
    expect(argumentsText).toBe('{"cmd":"pwd"}');
    expect(usage).toMatchObject({ prompt_tokens: 19, completion_tokens: 10 });
  });

  it('relays the Responses API, streaming and not, keeping Responses-only fields', async () => {
    responses.reply((request) =>
      request.body.stream === true ? { kind: 'sse', frames: responsesTextStream('gpt-5-2025-08-07', ['Hi ', 'Codex']) } : { kind: 'json', body: responsesResponse('gpt-5-2025-08-07', 'Hi Codex') },
    );
    const client = openaiClient();
    const created = await client.responses.create({ model: 'gpt-5', input: 'hi', store: false, include: ['reasoning.encrypted_content'], prompt_cache_key: 'k1', reasoning: { effort: 'high' } });
    expect(created.model).toBe('gpt-5');
    expect(responseText(created)).toBe('Hi Codex');
    expect(responses.requests[0]!.url).toBe('/v1/responses');
    expect(responses.requests[0]!.body).toMatchObject({ model: 'gpt-5-2025-08-07', store: false, include: ['reasoning.encrypted_content'], prompt_cache_key: 'k1', reasoning: { effort: 'high' } });

    const stream = client.responses.stream({ model: 'gpt-5', input: 'hi' });
    const final = await stream.finalResponse();
    expect(final.model).toBe('gpt-5');
    expect(responseText(final)).toBe('Hi Codex');
    expect(final.status).toBe('completed');
  });

  it('relays streams byte for byte: untouched when the model names agree, only the model changed otherwise', async () => {
    const post = (path: string, model: string, headers: Record<string, string>): Promise<string> =>
      fetch(`${gateway.address}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ model, max_tokens: 5, stream: true, input: 'x', messages: [{ role: 'user', content: 'x' }] }) }).then((response) => response.text());
    const anthropicFrames = anthropicTextStream('claude-sonnet-4-5-20250929', ['Hel', 'lo', ' "quoted"\n']);
    anthropic.reply(() => ({ kind: 'sse', frames: anthropicFrames }));
    expect(await post('/anthropic/v1/messages', 'claude-sonnet-4-5-20250929', { 'x-api-key': testSecrets.alice })).toBe(anthropicFrames.join(''));
    expect(await post('/anthropic/v1/messages', 'claude-sonnet-4-5', { 'x-api-key': testSecrets.alice })).toBe(anthropicFrames.join('').replace('"model":"claude-sonnet-4-5-20250929"', '"model":"claude-sonnet-4-5"'));

    const responsesFrames = responsesTextStream('gpt-5-2025-08-07', ['a', 'b']);
    responses.reply(() => ({ kind: 'sse', frames: responsesFrames }));
    expect(await post('/v1/responses', 'gpt-5-2025-08-07', { authorization: `Bearer ${testSecrets.alice}` })).toBe(responsesFrames.join(''));

    const chatFrames = chatTextStream('deepseek-chat-v3', ['x', 'y']);
    chat.reply(() => ({ kind: 'sse', frames: chatFrames }));
    expect(await post('/v1/chat/completions', 'deepseek-chat', { authorization: `Bearer ${testSecrets.alice}` })).toBe(chatFrames.join('').replaceAll('"model":"deepseek-chat-v3"', '"model":"deepseek-chat"'));
  });

  it('sends a history whose reasoning another family signed through the codec, so the provider never sees the marker', async () => {
    anthropic.reply(() => ({ kind: 'json', body: anthropicMessage('claude-sonnet-4-5-20250929', 'ok') }));
    const history = {
      model: 'claude-sonnet-4-5',
      max_tokens: 20000,
      thinking: { type: 'enabled', budget_tokens: 8000 },
      messages: [
        { role: 'user', content: 'run ls' },
        // Written by the gateway when this conversation was routed to DeepSeek.
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'use ls', signature: 'sb:openai-chat:' }, { type: 'tool_use', id: 'toolu_1', name: 'bash', input: { command: 'ls' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'a.txt' }] },
      ],
      tools: [{ name: 'bash', input_schema: { type: 'object', properties: { command: { type: 'string' } } } }],
    };
    const response = await fetch(`${gateway.address}/anthropic/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': testSecrets.alice }, body: JSON.stringify(history) });
    expect(response.status).toBe(200);
    const sent = anthropic.requests[0]!;
    expect(sent.rawBody).not.toContain('sb:');
    expect(sent.body.thinking).toBeUndefined();
    expect((sent.body.messages as Array<{ content: Array<{ type: string }> }>)[1]!.content.map((block) => block.type)).toEqual(['tool_use']);

    responses.reply(() => ({ kind: 'json', body: responsesResponse('gpt-5-2025-08-07', 'ok') }));
    await openaiClient().responses.create({
      model: 'gpt-5',
      input: [
        { role: 'user', content: 'run ls' },
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'use ls' }], encrypted_content: 'sb:anthropic:EqQBCgIYAhIM' },
        { type: 'function_call', call_id: 'toolu_1', name: 'bash', arguments: '{"command":"ls"}' },
        { type: 'function_call_output', call_id: 'toolu_1', output: 'a.txt' },
      ],
    });
    expect(responses.requests[0]!.rawBody).not.toContain('sb:anthropic');
  });

  it('relays upstream 400, 401, 429 and 500 with their status and message (401: what was refused), in the client format', async () => {
    const cases: Array<[number, string, Record<string, string>]> = [
      [400, 'invalid_request_error', {}],
      [401, 'authentication_error', {}],
      [429, 'rate_limit_error', { 'retry-after': '7' }],
      [500, 'api_error', {}],
    ];
    for (const [status, type, headers] of cases) {
      anthropic.reply(() => ({ kind: 'json', status, headers, body: { type: 'error', error: { type, message: `upstream says ${status}` } } }));
      const response = await fetch(`${gateway.address}/anthropic/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': testSecrets.alice },
        body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
      });
      expect(response.status).toBe(status);
      expect(response.headers.get('x-switchboard-error-source')).toBe('upstream');
      if (status === 429) expect(response.headers.get('retry-after')).toBe('7');
      const error = (await response.json()) as { type: string; error: { type: string; message: string } };
      expect(error.type).toBe('error');
      expect(error.error.type).toBe(type);
      // A refused provider credential is named as such; the provider's own text may quote the credential.
      expect(error.error.message).toContain(status === 401 ? `the gateway's credential for provider "claude" was refused (HTTP 401)` : `upstream says ${status}`);
    }
    chat.reply(() => ({ kind: 'json', status: 429, body: { error: { message: 'Rate limit reached for deepseek-chat', type: 'requests', code: 'rate_limit_exceeded' } } }));
    await expect(openaiClient().chat.completions.create({ model: 'deepseek-chat', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 429, message: expect.stringContaining('Rate limit reached') });
  });

  it('answers 504 in the client format when the upstream hangs before its first byte', async () => {
    anthropic.reply(() => ({ kind: 'hang' }));
    const started = Date.now();
    const response = await fetch(`${gateway.address}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': testSecrets.alice },
      body: JSON.stringify({ model: 'claude-slow', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(response.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe('timeout_error');
  });

  it('answers 502 in the client format when the upstream cannot be reached', async () => {
    await expect(openaiClient().chat.completions.create({ model: 'unreachable', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 502 });
  });

  it('ends a stream that breaks midway with the format error event, never a clean end', async () => {
    const frames = anthropicTextStream('claude-sonnet-4-5-20250929', ['one ', 'two ', 'three']);
    anthropic.reply(() => ({ kind: 'sse', frames, breakAfter: 4 }));
    const response = await fetch(`${gateway.address}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': testSecrets.alice },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('"text":"one "');
    expect(text).not.toContain('message_stop');
    expect(text.trimEnd().split('\n\n').at(-1)).toMatch(/^event: error\ndata: \{"type":"error","error":\{"type":"[a-z_]+","message":".+"\}/);

    await expect(anthropicClient().messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).finalMessage()).rejects.toThrow();

    chat.reply(() => ({ kind: 'sse', frames: chatTextStream('deepseek-chat-v3', ['a', 'b', 'c']), breakAfter: 2 }));
    const chatStream = await openaiClient().chat.completions.create({ model: 'deepseek-chat', messages: [{ role: 'user', content: 'x' }], stream: true });
    await expect((async () => {
      for await (const chunk of chatStream) void chunk;
    })()).rejects.toThrow();

    responses.reply(() => ({ kind: 'sse', frames: responsesTextStream('gpt-5-2025-08-07', ['a', 'b', 'c']), breakAfter: 5 }));
    await expect(openaiClient().responses.stream({ model: 'gpt-5', input: 'x' }).finalResponse()).rejects.toThrow();
  });

  it('ends a stream whose upstream goes silent with an error event after the idle timeout', async () => {
    anthropic.reply(() => ({ kind: 'sse', frames: anthropicTextStream('claude-sonnet-4-5-20250929', ['one ', 'two']), hangAfter: 3 }));
    const response = await fetch(`${gateway.address}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': testSecrets.alice },
      body: JSON.stringify({ model: 'claude-slow', max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'x' }] }),
    });
    const text = await response.text();
    expect(text).toContain('event: error');
    expect(text).toContain('timeout_error');
  });

  it('aborts the upstream request as soon as the client goes away', async () => {
    anthropic.reply(() => ({ kind: 'sse', frames: anthropicTextStream('claude-sonnet-4-5-20250929', Array.from({ length: 200 }, (_, index) => `t${index} `)), delayMs: 20 }));
    const controller = new AbortController();
    const response = await fetch(`${gateway.address}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': testSecrets.alice },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'x' }] }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await eventually(() => anthropic.requests[0]?.aborted === true);
  });

  it('forwards count_tokens to an Anthropic provider and estimates it for others', async () => {
    anthropic.reply(() => ({ kind: 'json', body: { input_tokens: 4242 } }));
    const client = anthropicClient();
    const counted = await client.messages.countTokens({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hello there' }] });
    expect(counted.input_tokens).toBe(4242);
    expect(anthropic.requests[0]!.url).toBe('/v1/messages/count_tokens');
    expect(anthropic.requests[0]!.body.model).toBe('claude-sonnet-4-5-20250929');

    const estimated = await fetch(`${gateway.address}/anthropic/v1/messages/count_tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': testSecrets.alice },
      body: JSON.stringify({ model: 'deepseek-chat', system: 'You are terse.', messages: [{ role: 'user', content: 'The quick brown fox jumps over the lazy dog.' }] }),
    });
    expect(estimated.status).toBe(200);
    expect(estimated.headers.get('x-switchboard-token-count')).toBe('estimate');
    const tokens = ((await estimated.json()) as { input_tokens: number }).input_tokens;
    expect(tokens).toBeGreaterThan(10);
    expect(tokens).toBeLessThan(40);
    expect(chat.requests).toHaveLength(0);
  });

  it('never forwards the client key upstream and relays the upstream request id', async () => {
    responses.reply(() => ({ kind: 'json', body: responsesResponse('gpt-5-2025-08-07', 'ok'), headers: { 'x-request-id': 'req_abc' } }));
    const response = await fetch(`${gateway.address}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${testSecrets.alice}`, session_id: 'codex-session-1', originator: 'codex_cli_rs', 'openai-beta': 'responses=experimental' },
      body: JSON.stringify({ model: 'gpt-5', input: 'x' }),
    });
    expect(response.headers.get('x-request-id')).toBe('req_abc');
    const seen = responses.requests[0]!.headers;
    expect(seen.authorization).toBe('Bearer provider-secret-openai');
    expect(seen.session_id).toBe('codex-session-1');
    expect(seen.originator).toBe('codex_cli_rs');
    expect(seen['openai-beta']).toBe('responses=experimental');
  });
});

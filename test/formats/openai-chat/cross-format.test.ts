import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { anthropicCodec } from '../../../src/formats/anthropic-messages/index.js';
import { openaiChatCodec } from '../../../src/formats/openai-chat/index.js';
import { contextFor, decodeTranscript, encodeParts, parseSse, readFixture, readJsonFixture, serveSse } from '../anthropic-messages/helpers.js';

describe('Anthropic client -> Chat upstream', () => {
  const decoded = anthropicCodec.decodeRequest(readJsonFixture('anthropic-messages/request-claude-code.json'));
  const encoded = openaiChatCodec.encodeRequest(decoded.value, 'deepseek-reasoner');

  it('translates system blocks, the tool loop, thinking history, images and documents', () => {
    expect(encoded.value).toEqual({
      model: 'deepseek-reasoner',
      messages: [
        {
          role: 'system',
          content: "You are Claude Code, Anthropic's official CLI for Claude.\n\nHere is useful information about the environment you are running in:\n<env>\nWorking directory: /home/dev/app\n</env>",
        },
        {
          role: 'user',
          content: [
            { type: 'text', text: "<system-reminder>\nAs you answer the user's questions, you can use the following context.\n</system-reminder>" },
            { type: 'text', text: 'Why does the login test fail? Screenshot and spec attached.' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==' } },
            { type: 'image_url', image_url: { url: 'https://example.com/diagram.png' } },
            { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0xLjQKJcfs', filename: 'login-spec.pdf' } },
          ],
        },
        {
          role: 'assistant',
          content: 'Let me run the test.',
          reasoning_content: 'The user wants the failing test. I should run it first.',
          tool_calls: [{ id: 'toolu_01A09q90qw90lq917835lq9', type: 'function', function: { name: 'Bash', arguments: '{"command":"npm test -- login","description":"Run the login test"}' } }],
        },
        { role: 'tool', tool_call_id: 'toolu_01A09q90qw90lq917835lq9', content: '[tool error] FAIL test/login.test.ts\n  expected 200, got 401' },
        { role: 'user', content: 'It also fails on CI.' },
        { role: 'system', content: 'The ToolSearch tool can load deferred tools: WebFetch.' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_01B7kD6aUnqNAtjxGFG2dJyc', type: 'function', function: { name: 'Read', arguments: '{"file_path":"/home/dev/app/src/auth.ts"}' } }] },
        { role: 'tool', tool_call_id: 'toolu_01B7kD6aUnqNAtjxGFG2dJyc', content: 'export function login() { return check(token); }' },
      ],
      tools: [
        { type: 'function', function: { name: 'Bash', description: 'Executes a given bash command.', parameters: expect.objectContaining({ required: ['command'] }) } },
        { type: 'function', function: { name: 'Read', description: 'Reads a file from the local filesystem.', parameters: expect.objectContaining({ required: ['file_path'] }) } },
        { type: 'function', function: { name: 'WebFetch', description: 'Fetches a URL.', parameters: expect.objectContaining({ required: ['url'] }) } },
      ],
      tool_choice: 'auto',
      parallel_tool_calls: true,
      max_completion_tokens: 32000,
      temperature: 1,
      reasoning_effort: 'medium',
      user: expect.stringContaining('session_id'),
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('names everything it dropped', () => {
    expect(encoded.warnings.map((warning) => warning.message)).toEqual([
      'dropped fields only anthropic understands: billingHeader, context_management',
      'Chat has no tool error flag; the result text was prefixed with "[tool error]"',
      '1 reasoning signature(s) dropped: Chat Completions has no field for them',
      '1 redacted reasoning block(s) dropped: only Anthropic can read them',
      '4 cache_control breakpoint(s) dropped: Chat Completions caches prompt prefixes on its own',
      'dropped Anthropic-only block and tool fields: defer_loading',
    ]);
    expect(encoded.warnings).toHaveLength(6);
  });
});

describe('Chat client -> Anthropic upstream', () => {
  it('translates a tool loop request', () => {
    const decoded = openaiChatCodec.decodeRequest(readJsonFixture('openai-chat/request-tool-loop.json'));
    const encoded = anthropicCodec.encodeRequest(decoded.value, 'claude-sonnet-4-5');
    expect(encoded.value).toMatchObject({
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      system: [{ type: 'text', text: 'You are a helpful coding assistant.' }, { type: 'text', text: 'Prefer TypeScript.' }],
      thinking: { type: 'enabled', budget_tokens: 4095 },
      tool_choice: { type: 'auto', disable_parallel_tool_use: false },
      stop_sequences: ['\n\nUser:'],
      metadata: { user_id: 'user-1234' },
      stream: true,
    });
    const messages = encoded.value.messages as Array<{ role: string; content: Array<{ type: string }> | string }>;
    expect(messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
    // DeepSeek reasoning has no Anthropic signature: dropped. Both tool results in one user turn, first.
    expect(messages[1]!.content).toEqual([
      { type: 'tool_use', id: 'call_0_5ef1a1b2', name: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool_use', id: 'call_1_9c3d4e5f', name: 'get_weather', input: { city: 'Tokyo' } },
    ]);
    expect((messages[2]!.content as Array<{ type: string }>).map((block) => block.type)).toEqual(['tool_result', 'tool_result']);
    // The mid-history developer message precedes a user turn, where Anthropic accepts no system message: folded in as text.
    expect(messages[4]!.content).toEqual([{ type: 'text', text: 'Answer in one sentence from now on.' }, { type: 'text', text: 'Which one is warmer?' }]);
    expect(encoded.value).not.toHaveProperty('temperature');
    expect(encoded.warnings.map((warning) => warning.path)).toEqual([
      'providerData.openai-chat',
      'reasoning.budgetTokens',
      'messages[0].content[1].detail',
      'messages',
      'messages',
      'temperature',
    ]);
  });
});

describe('streams across formats', () => {
  it('DeepSeek reasoner stream -> Anthropic stream, read by @anthropic-ai/sdk', async () => {
    const parts = decodeTranscript(openaiChatCodec, readFixture('openai-chat/stream-deepseek-reasoner-tools.sse'));
    const server = await serveSse(encodeParts(anthropicCodec, contextFor({}, 'claude-sonnet-4-5'), parts));
    try {
      const client = new Anthropic({ baseURL: server.url, apiKey: 'test', maxRetries: 0 });
      const message = await client.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'weather?' }] }).finalMessage();
      expect(message.model).toBe('claude-sonnet-4-5');
      expect(message.content).toEqual([
        { type: 'thinking', thinking: 'The user wants Paris and Tokyo.', signature: 'sb:none:' },
        { type: 'text', text: 'Checking both cities.' },
        { type: 'tool_use', id: 'call_0_5ef1a1b2', name: 'get_weather', input: { city: 'Paris' } },
        { type: 'tool_use', id: 'call_1_9c3d4e5f', name: 'get_weather', input: { city: 'Tokyo' } },
      ]);
      expect(message.stop_reason).toBe('tool_use');
      expect(message.usage).toMatchObject({ input_tokens: 296, cache_read_input_tokens: 1024, cache_creation_input_tokens: 0, output_tokens: 156 });
    } finally {
      await server.close();
    }
  });

  it('Anthropic stream -> Chat stream, read by the openai SDK', async () => {
    const parts = decodeTranscript(anthropicCodec, readFixture('anthropic-messages/stream-thinking-tool-use.sse'));
    const output = encodeParts(openaiChatCodec, contextFor({ providerData: { 'openai-chat': { streamOptions: { include_usage: true } } } }, 'gpt-client'), parts);
    expect(parseSse(output).some((event) => event.data.includes('"reasoning_content":"The user asks for the weather"'))).toBe(true);
    const server = await serveSse(output);
    try {
      const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'test', maxRetries: 0 });
      const completion = await client.chat.completions.stream({ model: 'gpt-client', messages: [{ role: 'user', content: 'weather?' }], stream_options: { include_usage: true } }).finalChatCompletion();
      expect(completion.model).toBe('gpt-client');
      expect(completion.choices[0]!.message.content).toBe('Let me check the weather.');
      expect(completion.choices[0]!.message.tool_calls).toEqual([{ id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', type: 'function', function: { name: 'get_weather', arguments: '{"location": "Paris, France", "unit": "celsius"}' } }]);
      expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
      expect(completion.usage).toMatchObject({ prompt_tokens: 2520, completion_tokens: 89, total_tokens: 2609, prompt_tokens_details: { cached_tokens: 2048 } });
    } finally {
      await server.close();
    }
  });

  it('a truncated upstream stream becomes the client format error event', () => {
    const fromChat = encodeParts(anthropicCodec, contextFor(), decodeTranscript(openaiChatCodec, readFixture('openai-chat/stream-truncated.sse')));
    const anthropicEvents = parseSse(fromChat);
    expect(anthropicEvents.at(-1)).toEqual({ event: 'error', data: '{"type":"error","error":{"type":"api_error","message":"the upstream stream ended without a finish_reason or [DONE]"}}' });
    expect(anthropicEvents.some((event) => event.event === 'message_stop')).toBe(false);

    const fromAnthropic = encodeParts(openaiChatCodec, contextFor(), decodeTranscript(anthropicCodec, readFixture('anthropic-messages/stream-truncated.sse')));
    expect(parseSse(fromAnthropic).at(-1)!.data).toBe('{"error":{"message":"the upstream stream ended before message_stop","type":"server_error","param":null,"code":"SB_UPSTREAM_STREAM_BROKEN"}}');
    expect(fromAnthropic).not.toContain('[DONE]');
  });

  it('streams a custom tool call as JSON arguments that reassemble exactly', () => {
    const input = 'line "one"\n\ttab \\ back';
    const parts = [
      { type: 'response-start', id: 'resp_1', model: 'gpt-5' },
      { type: 'tool-call-start', index: 0, id: 'call_1', name: 'apply_patch', kind: 'custom' },
      { type: 'tool-call-delta', index: 0, inputDelta: input.slice(0, 7) },
      { type: 'tool-call-delta', index: 0, inputDelta: input.slice(7) },
      { type: 'tool-call-end', index: 0 },
      { type: 'finish', finishReason: { unified: 'tool-calls' } },
    ] as const;
    const chat = parseSse(encodeParts(openaiChatCodec, contextFor(), [...parts]));
    let chatArguments = '';
    for (const event of chat.slice(0, -1)) for (const call of (JSON.parse(event.data) as { choices: Array<{ delta: { tool_calls?: Array<{ function?: { arguments?: string } }> } }> }).choices[0]?.delta.tool_calls ?? []) chatArguments += call.function?.arguments ?? '';
    expect(JSON.parse(chatArguments)).toEqual({ input });
    let anthropicJson = '';
    for (const event of parseSse(encodeParts(anthropicCodec, contextFor(), [...parts]))) {
      const data = JSON.parse(event.data) as { delta?: { partial_json?: string } };
      anthropicJson += data.delta?.partial_json ?? '';
    }
    expect(JSON.parse(anthropicJson)).toEqual({ input });
  });

  it('non-streaming responses translate both ways', () => {
    const fromChat = anthropicCodec.encodeResponse(openaiChatCodec.decodeResponse(readJsonFixture('openai-chat/response-reasoning-tools.json')), contextFor({}, 'claude-sonnet-4-5'));
    expect(fromChat).toMatchObject({
      id: '930c60df-bf64-41c9-a88e-3ec75f81e00e',
      model: 'claude-sonnet-4-5',
      content: [
        { type: 'thinking', thinking: 'The user wants the weather in Paris. I should call get_weather.', signature: 'sb:none:' },
        { type: 'text', text: 'Let me look that up.' },
        { type: 'tool_use', id: 'call_0_3b2f8c1d-7e6a-4f5b-9c8d-1a2b3c4d5e6f', name: 'get_weather', input: { city: 'Paris' } },
      ],
      stop_reason: 'tool_use',
      usage: { input_tokens: 296, cache_read_input_tokens: 1024, cache_creation_input_tokens: 0, output_tokens: 156 },
    });
    const fromAnthropic = openaiChatCodec.encodeResponse(anthropicCodec.decodeResponse(readJsonFixture('anthropic-messages/response-tool-use.json')), contextFor({}, 'gpt-client'));
    expect(fromAnthropic).toMatchObject({
      id: 'msg_01Aq9w938a90dw8q',
      model: 'gpt-client',
      choices: [
        {
          message: {
            role: 'assistant',
            content: "I'll check the current weather in San Francisco for you.",
            reasoning_content: 'I need the weather for San Francisco; the tool takes a location.',
            tool_calls: [{ id: 'toolu_01A09q90qw90lq917835lq9', type: 'function', function: { name: 'get_weather', arguments: '{"location":"San Francisco, CA","unit":"celsius"}' } }],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 2640, completion_tokens: 89, total_tokens: 2729, prompt_tokens_details: { cached_tokens: 2048 } },
    });
  });
});

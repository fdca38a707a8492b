import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import { FakeProvider, type FakeReply, type RecordedRequest } from '../helpers/fake-provider.js';
import { oneProviderPerFormat, rulesToEachFormat } from '../helpers/format-providers.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { responseText } from '../helpers/response-text.js';
import { baseConfig, makeTempDir, testSecrets, writeConfig } from '../helpers/test-config.js';
import { scriptedTurnReply, type ScriptedTurn } from '../helpers/wire-transcripts.js';

type ProviderFormat = 'anthropic' | 'openai-chat' | 'openai-responses';

const toolCallTurn = (id: string): ScriptedTurn => ({ reasoning: 'I should list the files.', text: 'Let me look.', toolCall: { id, name: 'bash', argumentPieces: ['{"comm', 'and":"ls', ' -la"}'] } });
const answerTurn: ScriptedTurn = { text: 'The folder holds a.txt and b.txt.' };

/** Did the provider get the tool's output back, in its own format? */
function toolResultIn(format: ProviderFormat, request: RecordedRequest): string | undefined {
  const body = request.body as Record<string, unknown>;
  switch (format) {
    case 'anthropic':
      for (const message of (body.messages as Array<{ content: unknown }>) ?? []) {
        if (!Array.isArray(message.content)) continue;
        for (const block of message.content as Array<{ type: string; content?: unknown }>) if (block.type === 'tool_result') return JSON.stringify(block.content);
      }
      return undefined;
    case 'openai-chat':
      return (body.messages as Array<{ role: string; content: unknown }>).filter((message) => message.role === 'tool').map((message) => JSON.stringify(message.content))[0];
    case 'openai-responses':
      return (Array.isArray(body.input) ? (body.input as Array<{ type?: string; output?: unknown }>) : []).filter((item) => item.type === 'function_call_output').map((item) => JSON.stringify(item.output))[0];
  }
}

function script(format: ProviderFormat): (request: RecordedRequest) => FakeReply {
  return (request) => {
    const turn = toolResultIn(format, request) === undefined ? toolCallTurn(format === 'anthropic' ? 'toolu_01A' : 'call_01A') : answerTurn;
    return scriptedTurnReply(format, request, turn);
  };
}

const bashTool = { name: 'bash', description: 'Run a shell command', parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] } };
const providerFormats: ProviderFormat[] = ['anthropic', 'openai-chat', 'openai-responses'];
const modelFor = (format: ProviderFormat): string => `to-${format}`;

describe('every client format against every provider format: a tool loop, streaming and not', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: RunningGateway;
  const providers: Record<ProviderFormat, FakeProvider> = { anthropic: new FakeProvider(), 'openai-chat': new FakeProvider(), 'openai-responses': new FakeProvider() };

  beforeAll(async () => {
    await Promise.all(Object.values(providers).map((provider) => provider.start()));
    for (const format of providerFormats) providers[format].reply(script(format));
    temp = await makeTempDir();
    await writeConfig(temp.dir, baseConfig(oneProviderPerFormat(providers), { rules: rulesToEachFormat(modelFor) }));
    gateway = await startInProcess(temp.dir);
  });
  afterAll(async () => {
    await gateway.stop();
    await Promise.all(Object.values(providers).map((provider) => provider.close()));
    await temp.remove();
  });

  // A 1x1 PNG.
  const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
  const imagePartName: Record<ProviderFormat, string> = { anthropic: '"type":"image"', 'openai-chat': '"type":"image_url"', 'openai-responses': '"type":"input_image"' };

  describe.each(providerFormats)('an image reaches provider %s', (providerFormat) => {
    const model = modelFor(providerFormat);
    const provider = (): FakeProvider => providers[providerFormat];
    const sent = (): string => provider().requests.at(-1)!.rawBody;

    it('from an Anthropic client', async () => {
      const client = new Anthropic({ apiKey: testSecrets.alice, baseURL: `${gateway.address}/anthropic`, maxRetries: 0 });
      await client.messages.create({ model, max_tokens: 100, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } }, { type: 'text', text: 'What is this?' }] }] });
      expect(sent()).toContain(png);
      expect(sent()).toContain(imagePartName[providerFormat]);
    });

    it('from a chat client', async () => {
      const client = new OpenAI({ apiKey: testSecrets.alice, baseURL: `${gateway.address}/v1`, maxRetries: 0 });
      await client.chat.completions.create({ model, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } }, { type: 'text', text: 'What is this?' }] }] });
      expect(sent()).toContain(png);
      expect(sent()).toContain(imagePartName[providerFormat]);
    });

    it('from a Responses client', async () => {
      const client = new OpenAI({ apiKey: testSecrets.alice, baseURL: `${gateway.address}/v1`, maxRetries: 0 });
      await client.responses.create({ model, input: [{ role: 'user', content: [{ type: 'input_image', image_url: `data:image/png;base64,${png}`, detail: 'auto' }, { type: 'input_text', text: 'What is this?' }] }] });
      expect(sent()).toContain(png);
      expect(sent()).toContain(imagePartName[providerFormat]);
    });
  });

  describe.each(providerFormats)('provider %s', (providerFormat) => {
    const model = modelFor(providerFormat);
    const provider = (): FakeProvider => providers[providerFormat];

    it.each([true, false])('Anthropic SDK client (stream: %s)', async (stream) => {
      const client = new Anthropic({ apiKey: testSecrets.alice, baseURL: `${gateway.address}/anthropic`, maxRetries: 0 });
      const tools = [{ name: bashTool.name, description: bashTool.description, input_schema: bashTool.parameters as Anthropic.Tool.InputSchema }];
      const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'What is in this folder?' }];
      const params = { model, max_tokens: 1024, system: 'You are a coding agent.', tools, messages };
      const first = stream ? await client.messages.stream(params).finalMessage() : await client.messages.create(params);
      expect(first.model).toBe(model);
      expect(first.stop_reason).toBe('tool_use');
      const toolUse = first.content.find((block) => block.type === 'tool_use');
      expect(toolUse).toMatchObject({ type: 'tool_use', name: 'bash', input: { command: 'ls -la' } });
      expect(first.content.find((block) => block.type === 'text')).toMatchObject({ text: 'Let me look.' });
      expect(first.content.some((block) => block.type === 'thinking')).toBe(true);

      messages.push({ role: 'assistant', content: first.content as Anthropic.ContentBlockParam[] });
      messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: (toolUse as Anthropic.ToolUseBlock).id, content: 'a.txt\nb.txt' }] });
      const before = provider().requests.length;
      const second = stream ? await client.messages.stream({ ...params, messages }).finalMessage() : await client.messages.create({ ...params, messages });
      expect(second.stop_reason).toBe('end_turn');
      expect(second.content).toMatchObject([{ type: 'text', text: 'The folder holds a.txt and b.txt.' }]);
      expect(second.usage.output_tokens).toBe(12);
      const upstream = provider().requests[before]!;
      expect(toolResultIn(providerFormat, upstream)).toContain('a.txt');
      if (providerFormat === 'openai-chat') {
        // DeepSeek needs the previous turn's reasoning back as reasoning_content.
        const assistant = (upstream.body.messages as Array<{ role: string; reasoning_content?: string }>).find((message) => message.role === 'assistant');
        expect(assistant?.reasoning_content).toBe('I should list the files.');
      }
    });

    it.each([true, false])('OpenAI chat SDK client (stream: %s)', async (stream) => {
      const client = new OpenAI({ apiKey: testSecrets.alice, baseURL: `${gateway.address}/v1`, maxRetries: 0 });
      const tools: OpenAI.ChatCompletionTool[] = [{ type: 'function', function: bashTool }];
      const messages: OpenAI.ChatCompletionMessageParam[] = [
        { role: 'system', content: 'You are a coding agent.' },
        { role: 'user', content: 'What is in this folder?' },
      ];
      const first = stream ? await client.chat.completions.stream({ model, messages, tools }).finalChatCompletion() : await client.chat.completions.create({ model, messages, tools });
      expect(first.model).toBe(model);
      expect(first.choices[0]!.finish_reason).toBe('tool_calls');
      const call = first.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
      expect(call.function).toEqual({ name: 'bash', arguments: providerFormat === 'anthropic' ? JSON.stringify({ command: 'ls -la' }) : '{"command":"ls -la"}' });
      messages.push(first.choices[0]!.message as OpenAI.ChatCompletionMessageParam);
      messages.push({ role: 'tool', tool_call_id: call.id, content: 'a.txt\nb.txt' });
      const before = provider().requests.length;
      const second = stream ? await client.chat.completions.stream({ model, messages, tools, stream_options: { include_usage: true } }).finalChatCompletion() : await client.chat.completions.create({ model, messages, tools });
      expect(second.choices[0]!.message.content).toBe('The folder holds a.txt and b.txt.');
      expect(second.choices[0]!.finish_reason).toBe('stop');
      expect(toolResultIn(providerFormat, provider().requests[before]!)).toContain('a.txt');
    });

    it.each([true, false])('OpenAI Responses SDK client (stream: %s)', async (stream) => {
      const client = new OpenAI({ apiKey: testSecrets.alice, baseURL: `${gateway.address}/v1`, maxRetries: 0 });
      const tools: OpenAI.Responses.Tool[] = [{ type: 'function', name: bashTool.name, description: bashTool.description, parameters: bashTool.parameters, strict: false }];
      const input: OpenAI.Responses.ResponseInputItem[] = [
        { role: 'developer', content: 'You are a coding agent.' },
        { role: 'user', content: 'What is in this folder?' },
      ];
      const first = stream ? await client.responses.stream({ model, input, tools, store: false }).finalResponse() : await client.responses.create({ model, input, tools, store: false });
      expect(first.model).toBe(model);
      expect(first.status).toBe('completed');
      const reasoning = first.output.find((item) => item.type === 'reasoning') as OpenAI.Responses.ResponseReasoningItem | undefined;
      expect(reasoning?.summary.map((entry) => entry.text).join('')).toBe('I should list the files.');
      const call = first.output.find((item) => item.type === 'function_call') as OpenAI.Responses.ResponseFunctionToolCall;
      expect(call).toMatchObject({ name: 'bash' });
      expect(JSON.parse(call.arguments)).toEqual({ command: 'ls -la' });
      for (const item of first.output) input.push(item as OpenAI.Responses.ResponseInputItem);
      input.push({ type: 'function_call_output', call_id: call.call_id, output: 'a.txt\nb.txt' });
      const before = provider().requests.length;
      const second = stream ? await client.responses.stream({ model, input, tools, store: false }).finalResponse() : await client.responses.create({ model, input, tools, store: false });
      expect(responseText(second)).toBe('The folder holds a.txt and b.txt.');
      expect(second.usage?.output_tokens).toBe(12);
      expect(toolResultIn(providerFormat, provider().requests[before]!)).toContain('a.txt');
    });
  });
});

import { describe, expect, it } from 'vitest';
import type { EncodeContext } from '../../../src/canonical/codec.js';
import type { StreamPart } from '../../../src/canonical/stream.js';
import type { CanonicalResponse } from '../../../src/canonical/types.js';
import { anthropicCodec } from '../../../src/formats/anthropic-messages/index.js';
import { openaiChatCodec } from '../../../src/formats/openai-chat/index.js';
import { openaiResponsesCodec as codec } from '../../../src/formats/openai-responses/index.js';
import { parseFrames, readRealClientBody } from './fixtures.js';

// Codex 0.169 on its default model (no `model =` line): the tools arrive as an `additional_tools` input item.
const first = readRealClientBody('codex-default-model-request-1.json');
const second = readRealClientBody('codex-default-model-request-2.json');

interface WireTool {
  type: string;
  name: string;
  description?: string;
  format?: { type: string; syntax?: string; definition?: string };
  tools?: WireTool[];
}
const additionalTools = (first.input as Array<{ type: string; tools?: WireTool[] }>)[0]!;
const namespaces = additionalTools.tools!;
const exec = namespaces.find((tool) => tool.name === 'functions')!.tools!.find((tool) => tool.name === 'exec')!;
/** Every member of every namespace, as `<namespace>__<member>`. */
const memberNames = namespaces.flatMap((namespace) => namespace.tools!.map((member) => `${namespace.name}__${member.name}`));
const additionalToolsOf = (body: Record<string, unknown>): unknown => (body.input as unknown[])[0];
const historyCall = (second.input as Array<{ type: string; input?: string; call_id?: string; output?: unknown }>).find((item) => item.type === 'custom_tool_call')!;
const historyOutput = (second.input as Array<{ type: string; call_id?: string; output?: Array<{ type: string; text: string }> }>).find((item) => item.type === 'custom_tool_call_output')!;

describe('Codex code mode (default model): reading the request', () => {
  it('is what the fixture says: no `tools` field, the tools in input[0], exec a lark-grammar custom tool', () => {
    expect(first.tools).toBeUndefined();
    expect(additionalTools).toMatchObject({ type: 'additional_tools', role: 'developer' });
    expect(namespaces.map((tool) => `${tool.type}:${tool.name}`)).toEqual(['namespace:functions', 'namespace:clock', 'namespace:collaboration']);
    expect(exec.format).toMatchObject({ type: 'grammar', syntax: 'lark' });
    expect(historyCall).toMatchObject({ name: 'exec', namespace: 'functions' });
    expect(Array.isArray(historyOutput.output)).toBe(true);
  });

  const captures: Array<[string, Record<string, unknown>]> = [
    ['request 1', first],
    ['request 2 (exec loop)', second],
    ['apply_patch loop, request 2', readRealClientBody('codex-default-model-apply-patch-request-2.json')],
    ['compaction request', readRealClientBody('codex-default-model-compaction-request-2.json')],
    ['request after compaction', readRealClientBody('codex-default-model-compaction-request-3.json')],
  ];
  for (const [name, body] of captures) {
    it(`${name}: every namespace member becomes a canonical tool, without a warning`, () => {
      const { value, warnings } = codec.decodeRequest(body);
      expect(warnings).toEqual([]);
      expect(value.tools.map((tool) => tool.name)).toEqual(memberNames);
      expect(value.tools.find((tool) => tool.name === 'functions__exec')).toMatchObject({ kind: 'custom', description: exec.description, format: exec.format });
      // The developer messages after the additional_tools item are still the leading instructions.
      expect(value.system.length).toBeGreaterThan(0);
      expect(value.messages[0]!.role).toBe('user');
    });

    it(`${name}: round-trips to a Responses upstream (additional_tools back in input[0], no tools field)`, () => {
      const decoded = codec.decodeRequest(body).value;
      const encoded = codec.encodeRequest(decoded, 'gpt-5.5-codex');
      expect(encoded.warnings).toEqual([]);
      expect(encoded.value.tools).toBeUndefined();
      expect((encoded.value.input as unknown[])[0]).toBe(additionalToolsOf(body));
      expect(encoded.value).toEqual({ ...body, model: 'gpt-5.5-codex' });
    });

    it(`${name}: writes for Anthropic and Chat without a refusal, with the same conversation`, () => {
      const decoded = codec.decodeRequest(body).value;
      const lastUser = (body.input as Array<{ role?: string; content?: Array<{ text?: string }> }>).filter((item) => item.role === 'user').at(-1)!.content![0]!.text!;
      for (const written of [anthropicCodec.encodeRequest(decoded, 'claude-sonnet-4-5').value, openaiChatCodec.encodeRequest(decoded, 'deepseek-chat').value]) {
        expect(JSON.stringify(written.messages)).toContain(JSON.stringify(lastUser).slice(1, -1));
      }
    });
  }
});

describe('Codex code mode (default model): writing for Anthropic and Chat providers', () => {
  const request = codec.decodeRequest(second).value;
  const anthropic = anthropicCodec.encodeRequest(request, 'claude-sonnet-4-5');
  const chat = openaiChatCodec.encodeRequest(request, 'deepseek-chat');
  const anthropicTools = anthropic.value.tools as Array<{ name: string; description?: string; input_schema: { properties: Record<string, unknown>; required: string[] } }>;
  const chatTools = chat.value.tools as Array<{ type: string; function: { name: string; description?: string; parameters: { properties: Record<string, unknown>; required: string[] } } }>;

  it('declares every member under its combined name', () => {
    expect(anthropicTools.map((tool) => tool.name)).toEqual(memberNames);
    expect(chatTools.map((tool) => tool.function.name)).toEqual(memberNames);
  });

  it('gives exec one string parameter, and its description and lark grammar in the description', () => {
    for (const tool of [anthropicTools.find((entry) => entry.name === 'functions__exec')!, chatTools.find((entry) => entry.function.name === 'functions__exec')!.function]) {
      const schema = 'input_schema' in tool ? tool.input_schema : tool.parameters;
      expect(Object.keys(schema.properties)).toEqual(['input']);
      expect(schema.required).toEqual(['input']);
      expect(tool.description!.startsWith(exec.description!)).toBe(true);
      expect(tool.description).toContain(exec.format!.definition);
    }
    expect(anthropic.warnings).toContainEqual(expect.objectContaining({ path: 'tools[0]', message: expect.stringContaining('grammar') }));
  });

  it('sends the exec call in the history with its JavaScript byte for byte, and its output parts in order', () => {
    const messages = anthropic.value.messages as Array<{ role: string; content: Array<Record<string, unknown>> }>;
    const toolUse = messages.flatMap((message) => message.content).find((block) => block.type === 'tool_use');
    expect(toolUse).toEqual({ type: 'tool_use', id: historyCall.call_id, name: 'functions__exec', input: { input: historyCall.input } });
    const toolResult = messages.flatMap((message) => message.content).find((block) => block.type === 'tool_result');
    expect(toolResult).toMatchObject({ tool_use_id: historyCall.call_id, content: historyOutput.output!.map((part) => ({ type: 'text', text: part.text })) });

    const chatMessages = chat.value.messages as Array<{ role: string; content?: unknown; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>; tool_call_id?: string }>;
    const call = chatMessages.flatMap((message) => message.tool_calls ?? [])[0]!;
    expect(call.function.name).toBe('functions__exec');
    expect(JSON.parse(call.function.arguments)).toEqual({ input: historyCall.input });
    const result = chatMessages.find((message) => message.role === 'tool')!;
    expect(result.tool_call_id).toBe(historyCall.call_id);
    for (const part of historyOutput.output!) expect(JSON.stringify(result.content)).toContain(JSON.stringify(part.text).slice(1, -1));
  });
});

describe('Codex code mode (default model): answering Codex', () => {
  const context: EncodeContext = { clientModel: String(first.model), request: codec.decodeRequest(first).value };
  const js = 'const r = await tools.exec_command({cmd: "echo \\"hi\\" > a.txt"});\ntext(r.output);';

  it('writes a provider call of functions__exec as the custom_tool_call exec in namespace functions, the JavaScript unwrapped exactly', () => {
    const response: CanonicalResponse = {
      id: 'msg_01',
      model: 'claude-sonnet-4-5',
      content: [
        { type: 'tool-call', id: 'toolu_01', name: 'functions__exec', kind: 'function', input: JSON.stringify({ input: js }) },
        { type: 'tool-call', id: 'toolu_02', name: 'functions__wait', kind: 'function', input: '{"cell_id":"1"}' },
      ],
      finishReason: { unified: 'tool-calls', raw: 'tool_use' },
    };
    const output = codec.encodeResponse(response, context).output as Array<Record<string, unknown>>;
    expect(output[0]).toMatchObject({ type: 'custom_tool_call', name: 'exec', namespace: 'functions', call_id: 'toolu_01', input: js });
    expect(output[1]).toMatchObject({ type: 'function_call', name: 'wait', namespace: 'functions', call_id: 'toolu_02', arguments: '{"cell_id":"1"}' });
  });

  it('streams it the same way, whatever the fragments of the JSON arguments', () => {
    const json = JSON.stringify({ input: js });
    const parts: StreamPart[] = [
      { type: 'response-start', id: 'msg_01', model: 'claude-sonnet-4-5' },
      { type: 'tool-call-start', index: 0, id: 'toolu_01', name: 'functions__exec', kind: 'function' },
      ...[json.slice(0, 7), json.slice(7, 30), json.slice(30)].map((inputDelta): StreamPart => ({ type: 'tool-call-delta', index: 0, inputDelta })),
      { type: 'tool-call-end', index: 0 },
      { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_use' }, usage: { inputTokens: 10, outputTokens: 5 } },
    ];
    const frames: string[] = [];
    const encoder = codec.createStreamEncoder(context, (frame) => frames.push(frame));
    for (const part of parts) encoder.push(part);
    const done = parseFrames(frames).find((event) => event.event === 'response.output_item.done');
    expect(done?.data.item).toMatchObject({ type: 'custom_tool_call', name: 'exec', namespace: 'functions', input: js });
  });
});

import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EncodeContext } from '../../../src/canonical/codec.js';
import type { StreamPart } from '../../../src/canonical/stream.js';
import type { CanonicalResponse, ToolCallPart } from '../../../src/canonical/types.js';
import { anthropicCodec } from '../../../src/formats/anthropic-messages/index.js';
import { openaiResponsesCodec as codec } from '../../../src/formats/openai-responses/index.js';
import { serveSse, type SseServer } from '../../helpers/serve-sse.js';
import { decodeStream, parseFrames, readRealClientBody } from './fixtures.js';

// Codex 0.169 sends its sub-agent functions in a `namespace` tool when it has no metadata for the model.
const fallback = readRealClientBody('codex-fallback-model-request-3.json');
const namespaceTool = (fallback.tools as Array<{ type: string; name?: string; tools?: Array<Record<string, unknown>> }>).find((tool) => tool.type === 'namespace')!;
const memberNames = namespaceTool.tools!.map((member) => String(member.name));

/** The fallback request with a namespaced call and its output appended to the history, as Codex sends them back. */
const withNamespacedCall = {
  ...fallback,
  input: [
    ...(fallback.input as unknown[]),
    { type: 'function_call', status: 'completed', id: 'fc_ns1', name: 'spawn_agent', namespace: 'multi_agent_v1', arguments: '{"message":"check the tests"}', call_id: 'call_ns1' },
    { type: 'function_call_output', id: 'fco_ns1', call_id: 'call_ns1', output: '{"agent_id":"agent-1"}' },
  ],
};

describe('openai-responses namespace tools: reading', () => {
  const { value: request, warnings } = codec.decodeRequest(withNamespacedCall);

  it('reads each member of the namespace as a canonical tool named <namespace>__<member>, without a warning', () => {
    expect(memberNames).toContain('spawn_agent');
    expect(warnings).toEqual([]);
    const names = request.tools.map((tool) => `${tool.kind}:${tool.name}`);
    expect(names).toEqual(expect.arrayContaining(memberNames.map((name) => `function:multi_agent_v1__${name}`)));
    expect(names.some((name) => name.startsWith('builtin:multi_agent_v1'))).toBe(false);
    const spawn = namespaceTool.tools!.find((member) => member.name === 'spawn_agent')!;
    expect(request.tools.find((tool) => tool.name === 'multi_agent_v1__spawn_agent')).toMatchObject({ kind: 'function', description: spawn.description, parameters: spawn.parameters, strict: false });
    expect(request.providerData?.['openai-responses']).toMatchObject({
      namespaces: [{ name: 'multi_agent_v1', members: memberNames, extra: { description: 'Tools for spawning and managing sub-agents.' } }],
    });
  });

  it('names a namespaced call in the history, and its output, the same combined way', () => {
    const [assistant, user] = request.messages.slice(-2);
    expect(assistant!.content.at(-1)).toMatchObject({ type: 'tool-call', id: 'call_ns1', name: 'multi_agent_v1__spawn_agent', kind: 'function' });
    expect(user!.content.at(-1)).toMatchObject({ type: 'tool-result', toolCallId: 'call_ns1', name: 'multi_agent_v1__spawn_agent' });
  });

  it('round-trips to a Responses upstream: the namespace tool and the namespaced call come back exactly', () => {
    const encoded = codec.encodeRequest(request, 'gpt-5.1-codex-max');
    expect(encoded.warnings).toEqual([]);
    expect(encoded.value).toEqual({ ...withNamespacedCall, model: 'gpt-5.1-codex-max' });
  });

  it('lists the members as tools for an Anthropic upstream, with the call under its combined name', () => {
    const { value: body, warnings: anthropicWarnings } = anthropicCodec.encodeRequest(request, 'claude-sonnet-4-5');
    const tools = body.tools as Array<{ name: string; description?: string; input_schema: unknown }>;
    expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(memberNames.map((name) => `multi_agent_v1__${name}`)));
    const hostedDrops = anthropicWarnings.filter((warning) => warning.path.startsWith('tools['));
    expect(hostedDrops.map((warning) => warning.message)).toEqual([expect.stringContaining('web_search')]);
    const messages = body.messages as Array<{ content: Array<{ type: string; name?: string }> | string }>;
    const toolUses = messages.flatMap((message) => (Array.isArray(message.content) ? message.content.filter((block) => block.type === 'tool_use') : []));
    expect(toolUses.at(-1)).toMatchObject({ name: 'multi_agent_v1__spawn_agent' });
  });

  it('keeps a namespace whose combined names would not be valid tool names as a hosted tool (dropped by other writers)', () => {
    const long = 'n'.repeat(60);
    const body = { model: 'm', input: 'hi', tools: [{ type: 'namespace', name: long, description: 'd', tools: [{ type: 'function', name: 'run', parameters: { type: 'object' } }] }] };
    const decoded = codec.decodeRequest(body);
    expect(decoded.value.tools).toMatchObject([{ kind: 'builtin', name: long }]);
    expect(codec.encodeRequest(decoded.value, 'm').value).toEqual(body);
    expect(anthropicCodec.encodeRequest(decoded.value, 'claude-sonnet-4-5').warnings).toContainEqual(expect.objectContaining({ path: 'tools[0]' }));
  });
});

describe('openai-responses namespace tools: answering a Responses client', () => {
  const context: EncodeContext = { clientModel: 'some-gateway-model', request: codec.decodeRequest(fallback).value };
  const call: ToolCallPart = { type: 'tool-call', id: 'toolu_01', name: 'multi_agent_v1__spawn_agent', kind: 'function', input: '{"message":"check the tests"}' };
  const expectedItem = { type: 'function_call', name: 'spawn_agent', namespace: 'multi_agent_v1', call_id: 'toolu_01', arguments: '{"message":"check the tests"}' };

  it('writes a non-streaming call to a member with its name and namespace split back, and echoes the namespace tool', () => {
    const response: CanonicalResponse = { id: 'msg_01', model: 'claude-sonnet-4-5', content: [call], finishReason: { unified: 'tool-calls', raw: 'tool_use' } };
    const encoded = codec.encodeResponse(response, context);
    expect(encoded.output).toEqual([{ id: expect.stringMatching(/^fc_/), status: 'completed', ...expectedItem }]);
    expect(encoded.tools).toContainEqual(namespaceTool);
  });

  it('reads an upstream Responses answer calling a member back to the same combined name', () => {
    const upstream = { id: 'resp_1', object: 'response', model: 'gpt-5.1-codex-max', status: 'completed', output: [{ id: 'fc_1', status: 'completed', ...expectedItem }] };
    const decoded = codec.decodeResponse(upstream);
    expect(decoded.content).toMatchObject([{ type: 'tool-call', name: 'multi_agent_v1__spawn_agent' }]);
    expect(codec.encodeResponse(decoded, context).output).toEqual(upstream.output);
  });

  describe('streaming, read by the openai SDK', () => {
    let sse: SseServer;
    let client: OpenAI;
    beforeAll(async () => {
      sse = await serveSse();
      client = new OpenAI({ apiKey: 'test', baseURL: `${sse.url}/v1`, maxRetries: 0 });
    });
    afterAll(() => sse.close());

    const parts: StreamPart[] = [
      { type: 'response-start', id: 'msg_01', model: 'claude-sonnet-4-5' },
      { type: 'tool-call-start', index: 0, id: 'toolu_01', name: 'multi_agent_v1__spawn_agent', kind: 'function' },
      { type: 'tool-call-delta', index: 0, inputDelta: '{"message":' },
      { type: 'tool-call-delta', index: 0, inputDelta: '"check the tests"}' },
      { type: 'tool-call-end', index: 0 },
      { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_use' }, usage: { inputTokens: 10, outputTokens: 5 } },
    ];
    const encode = (source = parts): string[] => {
      const frames: string[] = [];
      const encoder = codec.createStreamEncoder(context, (frame) => frames.push(frame));
      for (const part of source) encoder.push(part);
      return frames;
    };

    it('splits the name in output_item.added, output_item.done and response.completed', async () => {
      const frames = encode();
      const events = parseFrames(frames);
      const item = (type: string): unknown => events.find((event) => event.event === type)?.data.item;
      expect(item('response.output_item.added')).toMatchObject({ name: 'spawn_agent', namespace: 'multi_agent_v1' });
      expect(item('response.output_item.done')).toMatchObject({ status: 'completed', ...expectedItem });
      const completed = events.at(-1)!;
      expect(completed.event).toBe('response.completed');
      expect((completed.data.response as { output: unknown[] }).output).toEqual([expect.objectContaining(expectedItem)]);

      sse.body = frames.join('');
      const final = await client.responses.stream({ model: 'some-gateway-model', input: 'x' }).finalResponse();
      expect(final.output).toEqual([expect.objectContaining(expectedItem)]);
    });

    it('reads a streamed upstream call to a member under the combined name, and writes it back split', () => {
      const decoded = decodeStream(parseFrames(encode()).map((event) => ({ event: event.event, data: JSON.stringify(event.data) })));
      expect(decoded).toContainEqual(expect.objectContaining({ type: 'tool-call-start', name: 'multi_agent_v1__spawn_agent' }));
      const done = parseFrames(encode(decoded)).find((event) => event.event === 'response.output_item.done');
      expect(done?.data.item).toMatchObject(expectedItem);
    });
  });
});

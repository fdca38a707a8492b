import OpenAI from 'openai';
import type { Response as OpenaiResponse, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EncodeContext } from '../../../src/canonical/codec.js';
import type { StreamPart } from '../../../src/canonical/stream.js';
import { GatewayError } from '../../../src/errors/gateway-error.js';
import { openaiResponsesCodec as codec } from '../../../src/formats/openai-responses/index.js';
import { serveSse, type SseServer } from '../../helpers/serve-sse.js';
import { decodeStream, parseFrames, readJsonFixture, readSseFixture } from './fixtures.js';

/** The SDK's finalResponse() adds `parsed`/`parsed_arguments` (null without a parser); they are not on the wire. */
function withoutSdkFields(items: unknown[], dropIds = false): unknown[] {
  return JSON.parse(JSON.stringify(items, (key, value: unknown) => (key === 'parsed' || key === 'parsed_arguments' || (dropIds && key === 'id') ? undefined : value))) as unknown[];
}

const context: EncodeContext = { clientModel: 'gpt-5.1-codex', request: codec.decodeRequest(readJsonFixture('codex-request.json')).value };

function encode(parts: StreamPart[], encodeContext = context): string[] {
  const frames: string[] = [];
  const encoder = codec.createStreamEncoder(encodeContext, (frame) => frames.push(frame));
  for (const part of parts) encoder.push(part);
  return frames;
}

/** What a chat-style upstream (Anthropic, Chat Completions) yields: reasoning, text, two parallel calls with interleaved deltas, and apply_patch as a JSON-wrapped function. */
const chatStyleParts: StreamPart[] = [
  { type: 'response-start', id: 'msg_01XFDUDYJgAACzvnptvVoYEL', model: 'claude-sonnet-4-5', usage: { inputTokens: 2100 } },
  { type: 'reasoning-start', index: 0 },
  { type: 'reasoning-delta', index: 0, text: 'The user wants ' },
  { type: 'reasoning-delta', index: 0, text: 'two files read.' },
  { type: 'reasoning-signature', index: 0, signature: { format: 'anthropic', value: 'EqQBCkYIBRgCKkC' } },
  { type: 'reasoning-end', index: 0 },
  { type: 'text-start', index: 1 },
  { type: 'text-delta', index: 1, text: 'Reading both ' },
  { type: 'text-delta', index: 1, text: 'files.' },
  { type: 'text-end', index: 1 },
  { type: 'tool-call-start', index: 2, id: 'call_a', name: 'shell_command', kind: 'function' },
  { type: 'tool-call-start', index: 3, id: 'call_b', name: 'shell_command', kind: 'function' },
  { type: 'tool-call-delta', index: 2, inputDelta: '{"command":' },
  { type: 'tool-call-delta', index: 3, inputDelta: '{"comm' },
  { type: 'tool-call-delta', index: 2, inputDelta: '"cat a.ts"}' },
  { type: 'tool-call-delta', index: 3, inputDelta: 'and":"cat b.ts"}' },
  { type: 'tool-call-end', index: 2 },
  { type: 'tool-call-end', index: 3 },
  { type: 'tool-call-start', index: 4, id: 'call_c', name: 'apply_patch', kind: 'function' },
  { type: 'tool-call-delta', index: 4, inputDelta: '{"input":"*** Begin Patch\\n' },
  { type: 'tool-call-delta', index: 4, inputDelta: '*** End Patch\\n"}' },
  { type: 'tool-call-end', index: 4 },
  { type: 'usage', usage: { outputTokens: 90 } },
  { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_use' }, usage: { inputTokens: 2100, outputTokens: 95, cacheReadTokens: 2000 } },
];

describe('openai-responses stream encoder framing', () => {
  const events = parseFrames(encode(chatStyleParts));

  it('names every event by its type and numbers them 0, 1, 2…', () => {
    events.forEach((event, index) => {
      expect(event.event).toBe(event.data.type);
      expect(event.data.sequence_number).toBe(index);
    });
    expect(events[0]!.event).toBe('response.created');
    expect(events[1]!.event).toBe('response.in_progress');
    expect(events[0]!.data.response).toMatchObject({ id: 'resp_msg_01XFDUDYJgAACzvnptvVoYEL', object: 'response', status: 'in_progress', model: 'gpt-5.1-codex', output: [] });
    expect(events[events.length - 1]!.event).toBe('response.completed');
  });

  it('opens and closes every item in order, with content and summary parts around the deltas', () => {
    expect(events.map((event) => event.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.custom_tool_call_input.delta',
      'response.custom_tool_call_input.done',
      'response.output_item.done',
      'response.completed',
    ]);
  });

  it('reassembles interleaved argument deltas exactly, per item', () => {
    const byItem = new Map<string, string>();
    for (const { data } of events) {
      if (data.type === 'response.function_call_arguments.delta') byItem.set(String(data.item_id), (byItem.get(String(data.item_id)) ?? '') + String(data.delta));
    }
    const done = events.filter((event) => event.event === 'response.function_call_arguments.done').map((event) => event.data);
    expect(done.map((data) => data.arguments)).toEqual(['{"command":"cat a.ts"}', '{"command":"cat b.ts"}']);
    for (const data of done) expect(byItem.get(String(data.item_id))).toBe(data.arguments);
  });

  it('ends with the whole response: every item, usage, and a foreign signature only as a gateway marker', () => {
    const response = events[events.length - 1]!.data.response as OpenaiResponse;
    expect(response.status).toBe('completed');
    expect(response.output.map((item) => item.type)).toEqual(['reasoning', 'message', 'function_call', 'function_call', 'custom_tool_call']);
    expect(response.output[0]).toEqual({ id: expect.stringMatching(/^rs_/), type: 'reasoning', summary: [{ type: 'summary_text', text: 'The user wants two files read.' }], encrypted_content: 'sb:anthropic:EqQBCkYIBRgCKkC' });
    expect(response.output[4]).toMatchObject({ id: expect.stringMatching(/^ctc_/), call_id: 'call_c', name: 'apply_patch', input: '*** Begin Patch\n*** End Patch\n', status: 'completed' });
    expect(response.usage).toEqual({ input_tokens: 2100, input_tokens_details: { cached_tokens: 2000 }, output_tokens: 95, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 2195 });
    expect(JSON.stringify(events)).not.toContain('"encrypted_content":"EqQBCkYIBRgCKkC"');
    for (const event of events.filter((candidate) => candidate.event === 'response.output_item.done')) {
      expect(response.output[Number(event.data.output_index)]).toEqual(event.data.item);
    }
  });

  it('writes length as response.incomplete and an error part as response.failed', () => {
    const incomplete = parseFrames(encode([{ type: 'response-start', id: 'r', model: 'm' }, { type: 'text-start', index: 0 }, { type: 'text-delta', index: 0, text: 'The' }, { type: 'finish', finishReason: { unified: 'length', raw: 'max_tokens' } }]));
    const last = incomplete[incomplete.length - 1]!;
    expect(last.event).toBe('response.incomplete');
    expect(last.data.response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [{ type: 'message', content: [{ text: 'The' }] }] });

    const failed = parseFrames(encode([{ type: 'response-start', id: 'r', model: 'm' }, { type: 'text-start', index: 0 }, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }]));
    expect(failed.map((event) => event.event)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added', 'error', 'response.failed']);
    expect(failed[4]!.data).toMatchObject({ code: 'service_unavailable', message: 'Overloaded', error: { message: 'Overloaded' } });
    expect(failed[5]!.data.response).toMatchObject({ status: 'failed', error: { code: 'service_unavailable', message: 'Overloaded' }, output: [] });
  });

  it('wraps a custom call into function arguments when the client declared a function', () => {
    const functionContext: EncodeContext = { clientModel: 'gpt-4.1', request: { model: 'gpt-4.1', stream: true, system: [], messages: [], tools: [{ kind: 'function', name: 'apply_patch', parameters: {} }] } };
    const parts: StreamPart[] = [
      { type: 'tool-call-start', index: 0, id: 'call_1', name: 'apply_patch', kind: 'custom' },
      { type: 'tool-call-delta', index: 0, inputDelta: 'line "one"\n' },
      { type: 'tool-call-delta', index: 0, inputDelta: 'two' },
      { type: 'tool-call-end', index: 0 },
      { type: 'finish', finishReason: { unified: 'tool-calls' } },
    ];
    const events = parseFrames(encode(parts, functionContext));
    const deltas = events.filter((event) => event.event === 'response.function_call_arguments.delta').map((event) => String(event.data.delta)).join('');
    expect(JSON.parse(deltas)).toEqual({ input: 'line "one"\ntwo' });
    expect(events.find((event) => event.event === 'response.function_call_arguments.done')!.data.arguments).toBe(deltas);
  });
});

describe('openai-responses stream encoder with the openai SDK as client', () => {
  let sse: SseServer;
  let client: OpenAI;

  beforeAll(async () => {
    sse = await serveSse();
    client = new OpenAI({ apiKey: 'test', baseURL: `${sse.url}/v1`, maxRetries: 0 });
  });
  afterAll(() => sse.close());

  const serve = (frames: string[]): void => {
    sse.body = frames.join('');
  };

  it('responses.stream().finalResponse() rebuilds the same response the encoder completed with', async () => {
    const frames = encode(chatStyleParts);
    serve(frames);
    const completed = parseFrames(frames).pop()!.data.response as OpenaiResponse;
    const stream = client.responses.stream({ model: 'gpt-5.1-codex', input: 'read a.ts and b.ts' });
    let text = '';
    stream.on('response.output_text.delta', (event) => (text += event.delta));
    const final = await stream.finalResponse();
    expect(text).toBe('Reading both files.');
    expect(withoutSdkFields(final.output)).toEqual(completed.output);
    expect(final.usage).toEqual(completed.usage);
  });

  it('responses.create({stream: true}) iterates every event without error', async () => {
    serve(encode(chatStyleParts));
    const stream = await client.responses.create({ model: 'gpt-5.1-codex', input: 'hi', stream: true });
    const types: string[] = [];
    for await (const event of stream as AsyncIterable<ResponseStreamEvent>) types.push(event.type);
    expect(types[0]).toBe('response.created');
    expect(types[types.length - 1]).toBe('response.completed');
    expect(types).toHaveLength(31);
  });

  const reencode = async (name: string): Promise<{ original: OpenaiResponse; final: OpenaiResponse }> => {
    const events = readSseFixture(name);
    const original = JSON.parse(events[events.length - 1]!.data).response as OpenaiResponse;
    serve(encode(decodeStream(events), { ...context, clientModel: original.model }));
    const final = await client.responses.stream({ model: original.model, input: 'x' }).finalResponse();
    return { original, final };
  };

  for (const name of ['custom-tool-call.sse', 'text.sse']) {
    it(`re-encodes the decoded ${name} into the same output items (ids aside)`, async () => {
      const { original, final } = await reencode(name);
      expect(withoutSdkFields(final.output, true)).toEqual(withoutSdkFields(original.output, true));
      expect(final.usage).toEqual(original.usage);
      expect(final.model).toBe(original.model);
    });
  }

  it('re-encodes reasoning with two summary entries as two reasoning items (known loss), the encrypted content on the last', async () => {
    const { original, final } = await reencode('reasoning-function-call.sse');
    const [reasoning, call] = withoutSdkFields(original.output, true) as [{ summary: unknown[]; encrypted_content: string }, unknown];
    expect(withoutSdkFields(final.output, true)).toEqual([
      { type: 'reasoning', summary: [reasoning.summary[0]] },
      { type: 'reasoning', summary: [reasoning.summary[1]], encrypted_content: reasoning.encrypted_content },
      call,
    ]);
  });

  it('a failed stream makes the SDK throw with the error, and its last event is response.failed', async () => {
    const frames = encode([{ type: 'response-start', id: 'r', model: 'm' }, { type: 'error', error: { type: 'rate_limit_error', message: 'Rate limited. Please try again in 2s.' } }]);
    const events = parseFrames(frames);
    expect(events.at(-1)).toMatchObject({ event: 'response.failed', data: { response: { status: 'failed', error: { code: 'rate_limit_exceeded', message: 'Rate limited. Please try again in 2s.' } } } });
    serve(frames);
    await expect(client.responses.stream({ model: 'm', input: 'hi' }).finalResponse()).rejects.toThrow('Rate limited. Please try again in 2s.');
  });

  it('encodeStreamError makes the SDK throw on a broken passthrough stream, after the events before the break', async () => {
    const events = readSseFixture('text.sse').slice(0, 5);
    const frames = events.map((event) => `event: ${event.event}\ndata: ${event.data}\n\n`);
    const closing = codec.encodeStreamError(new GatewayError('SB_UPSTREAM_STREAM_BROKEN', 'the upstream stream ended before response.completed'), 'gpt-4.1');
    const [errorEvent, failedEvent] = parseFrames([closing]);
    expect(failedEvent).toMatchObject({ event: 'response.failed', data: { response: { status: 'failed', model: 'gpt-4.1', error: { code: 'server_error' } } } });
    expect(Number(failedEvent!.data.sequence_number)).toBeGreaterThan(Number(errorEvent!.data.sequence_number));
    serve([...frames, closing]);
    const stream = await client.responses.create({ model: 'gpt-4.1', input: 'hi', stream: true });
    const seen: ResponseStreamEvent[] = [];
    await expect(
      (async () => {
        for await (const event of stream as AsyncIterable<ResponseStreamEvent>) seen.push(event);
      })(),
    ).rejects.toThrow('the upstream stream ended before response.completed');
    expect(seen).toHaveLength(5);
  });
});

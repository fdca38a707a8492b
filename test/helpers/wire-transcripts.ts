import { sse, type FakeReply } from './fake-provider.js';

/**
 * Stream transcripts in the exact framing of the real APIs (event names,
 * field order and the terminal events as the vendors send them), for fake
 * providers in gateway tests.
 */

export function anthropicTextStream(model: string, pieces: string[], options: { toolUse?: { id: string; name: string; jsonPieces: string[] } } = {}): string[] {
  const frames = [
    sse({ type: 'message_start', message: { id: 'msg_01XFDUDYJgAACzvnptvVoYEL', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 25, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 } } }, 'message_start'),
    sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start'),
    sse({ type: 'ping' }, 'ping'),
    ...pieces.map((text) => sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }, 'content_block_delta')),
    sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
  ];
  if (options.toolUse) {
    frames.push(
      sse({ type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: options.toolUse.id, name: options.toolUse.name, input: {} } }, 'content_block_start'),
      ...options.toolUse.jsonPieces.map((partial_json) => sse({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json } }, 'content_block_delta')),
      sse({ type: 'content_block_stop', index: 1 }, 'content_block_stop'),
    );
  }
  frames.push(
    sse({ type: 'message_delta', delta: { stop_reason: options.toolUse ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: 15 } }, 'message_delta'),
    sse({ type: 'message_stop' }, 'message_stop'),
  );
  return frames;
}

export function anthropicMessage(model: string, text: string): Record<string, unknown> {
  return {
    id: 'msg_013Zva2CMHLNnXjNJJKqJ2EF',
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 6 },
  };
}

export function chatChunk(model: string, delta: Record<string, unknown>, finishReason: string | null = null): Record<string, unknown> {
  return { id: 'chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG', object: 'chat.completion.chunk', created: 1741570283, model, system_fingerprint: 'fp_06737a9306', choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] };
}

export function chatTextStream(model: string, pieces: string[], options: { toolCall?: { id: string; name: string; argumentPieces: string[] } } = {}): string[] {
  const frames = [sse(chatChunk(model, { role: 'assistant', content: '', refusal: null }))];
  for (const content of pieces) frames.push(sse(chatChunk(model, { content })));
  if (options.toolCall) {
    const { id, name, argumentPieces } = options.toolCall;
    frames.push(sse(chatChunk(model, { tool_calls: [{ index: 0, id, type: 'function', function: { name, arguments: '' } }] })));
    for (const piece of argumentPieces) frames.push(sse(chatChunk(model, { tool_calls: [{ index: 0, function: { arguments: piece } }] })));
  }
  frames.push(sse(chatChunk(model, {}, options.toolCall ? 'tool_calls' : 'stop')));
  frames.push(
    sse({ id: 'chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG', object: 'chat.completion.chunk', created: 1741570283, model, system_fingerprint: 'fp_06737a9306', choices: [], usage: { prompt_tokens: 19, completion_tokens: 10, total_tokens: 29, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } } }),
  );
  frames.push('data: [DONE]\n\n');
  return frames;
}

export function chatCompletion(model: string, text: string): Record<string, unknown> {
  return {
    id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
    object: 'chat.completion',
    created: 1741569952,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 19, completion_tokens: 10, total_tokens: 29, prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 } },
    service_tier: 'default',
    system_fingerprint: 'fp_06737a9306',
  };
}

function responseObject(model: string, status: string, output: unknown[], usage: unknown): Record<string, unknown> {
  return {
    id: 'resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b',
    object: 'response',
    created_at: 1741476542,
    status,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: true,
    temperature: 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage,
    user: null,
    metadata: {},
  };
}

export function responsesTextStream(model: string, pieces: string[]): string[] {
  const text = pieces.join('');
  const item = { id: 'msg_67ccd2bf17f0819081ff3bb2cf6508e6', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] };
  const usage = { input_tokens: 36, input_tokens_details: { cached_tokens: 0 }, output_tokens: 87, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 123 };
  let sequence = 0;
  const event = (type: string, fields: Record<string, unknown>): string => sse({ type, sequence_number: sequence++, ...fields }, type);
  return [
    event('response.created', { response: responseObject(model, 'in_progress', [], null) }),
    event('response.in_progress', { response: responseObject(model, 'in_progress', [], null) }),
    event('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', content: [] } }),
    event('response.content_part.added', { item_id: item.id, output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }),
    ...pieces.map((delta) => event('response.output_text.delta', { item_id: item.id, output_index: 0, content_index: 0, delta, logprobs: [] })),
    event('response.output_text.done', { item_id: item.id, output_index: 0, content_index: 0, text, logprobs: [] }),
    event('response.content_part.done', { item_id: item.id, output_index: 0, content_index: 0, part: { type: 'output_text', text, annotations: [] } }),
    event('response.output_item.done', { output_index: 0, item }),
    event('response.completed', { response: responseObject(model, 'completed', [item], usage) }),
  ];
}

export function responsesResponse(model: string, text: string): Record<string, unknown> {
  const item = { id: 'msg_67ccd2bf17f0819081ff3bb2cf6508e6', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] };
  return responseObject(model, 'completed', [item], { input_tokens: 36, input_tokens_details: { cached_tokens: 0 }, output_tokens: 87, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 123 });
}

/** A scripted assistant turn, written by the builders below in each provider's wire format. */
export interface ScriptedTurn {
  reasoning?: string;
  /** Responses only: the reasoning item's `encrypted_content`, as OpenAI sends it when asked for `reasoning.encrypted_content`. */
  encryptedReasoning?: string;
  text?: string;
  /**
   * `argumentPieces` are the JSON argument fragments of a function call, or the freeform input of a
   * Responses `custom_tool_call` (`custom: true`, with its `namespace` if any).
   */
  toolCall?: { id: string; name: string; argumentPieces: string[]; custom?: boolean; namespace?: string };
  /** The token counts the provider reports: `input` is every prompt token, `cached` the part of it read from the cache. Default 40 in, 12 out. */
  usage?: TurnUsage;
}

export interface TurnUsage {
  input: number;
  cached?: number;
  output: number;
}

const defaultTurnUsage: TurnUsage = { input: 40, output: 12 };

/** Anthropic's split: `input_tokens` leaves the cache reads out. */
function anthropicTurnUsage(turn: ScriptedTurn): { input_tokens: number; cache_read_input_tokens: number; cache_creation_input_tokens: number } {
  const { input, cached = 0 } = turn.usage ?? defaultTurnUsage;
  return { input_tokens: input - cached, cache_read_input_tokens: cached, cache_creation_input_tokens: 0 };
}

function chatTurnUsage(turn: ScriptedTurn): Record<string, unknown> {
  const { input, cached = 0, output } = turn.usage ?? defaultTurnUsage;
  return { prompt_tokens: input, completion_tokens: output, total_tokens: input + output, prompt_tokens_details: { cached_tokens: cached } };
}

/** The turn as an Anthropic stream (thinking with a signature, text, tool_use). */
export function anthropicTurnStream(model: string, turn: ScriptedTurn): string[] {
  const frames = [sse({ type: 'message_start', message: { id: 'msg_turn', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...anthropicTurnUsage(turn), output_tokens: 1 } } }, 'message_start')];
  let index = 0;
  if (turn.reasoning !== undefined) {
    frames.push(
      sse({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } }, 'content_block_start'),
      sse({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: turn.reasoning } }, 'content_block_delta'),
      sse({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds' } }, 'content_block_delta'),
      sse({ type: 'content_block_stop', index }, 'content_block_stop'),
    );
    index++;
  }
  if (turn.text !== undefined) {
    frames.push(
      sse({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }, 'content_block_start'),
      sse({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: turn.text } }, 'content_block_delta'),
      sse({ type: 'content_block_stop', index }, 'content_block_stop'),
    );
    index++;
  }
  if (turn.toolCall) {
    frames.push(sse({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: turn.toolCall.id, name: turn.toolCall.name, input: {} } }, 'content_block_start'));
    for (const partial_json of turn.toolCall.argumentPieces) frames.push(sse({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } }, 'content_block_delta'));
    frames.push(sse({ type: 'content_block_stop', index }, 'content_block_stop'));
  }
  frames.push(
    sse({ type: 'message_delta', delta: { stop_reason: turn.toolCall ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: (turn.usage ?? defaultTurnUsage).output } }, 'message_delta'),
    sse({ type: 'message_stop' }, 'message_stop'),
  );
  return frames;
}

export function anthropicTurnMessage(model: string, turn: ScriptedTurn): Record<string, unknown> {
  const content: unknown[] = [];
  if (turn.reasoning !== undefined) content.push({ type: 'thinking', thinking: turn.reasoning, signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds' });
  if (turn.text !== undefined) content.push({ type: 'text', text: turn.text });
  if (turn.toolCall) content.push({ type: 'tool_use', id: turn.toolCall.id, name: turn.toolCall.name, input: JSON.parse(turn.toolCall.argumentPieces.join('')) });
  return { id: 'msg_turn', type: 'message', role: 'assistant', model, content, stop_reason: turn.toolCall ? 'tool_use' : 'end_turn', stop_sequence: null, usage: { ...anthropicTurnUsage(turn), output_tokens: (turn.usage ?? defaultTurnUsage).output } };
}

/** The turn as chat chunks, with DeepSeek-style `reasoning_content` deltas. */
export function chatTurnStream(model: string, turn: ScriptedTurn): string[] {
  const frames = [sse(chatChunk(model, { role: 'assistant', content: '' }))];
  if (turn.reasoning !== undefined) frames.push(sse(chatChunk(model, { reasoning_content: turn.reasoning })));
  if (turn.text !== undefined) frames.push(sse(chatChunk(model, { content: turn.text })));
  if (turn.toolCall) {
    const { id, name, argumentPieces } = turn.toolCall;
    frames.push(sse(chatChunk(model, { tool_calls: [{ index: 0, id, type: 'function', function: { name, arguments: '' } }] })));
    for (const piece of argumentPieces) frames.push(sse(chatChunk(model, { tool_calls: [{ index: 0, function: { arguments: piece } }] })));
  }
  frames.push(sse(chatChunk(model, {}, turn.toolCall ? 'tool_calls' : 'stop')));
  frames.push(sse({ id: 'chatcmpl-turn', object: 'chat.completion.chunk', created: 1741570283, model, choices: [], usage: chatTurnUsage(turn) }));
  frames.push('data: [DONE]\n\n');
  return frames;
}

export function chatTurnCompletion(model: string, turn: ScriptedTurn): Record<string, unknown> {
  const message: Record<string, unknown> = { role: 'assistant', content: turn.text ?? null };
  if (turn.reasoning !== undefined) message.reasoning_content = turn.reasoning;
  if (turn.toolCall) message.tool_calls = [{ id: turn.toolCall.id, type: 'function', function: { name: turn.toolCall.name, arguments: turn.toolCall.argumentPieces.join('') } }];
  return {
    id: 'chatcmpl-turn',
    object: 'chat.completion',
    created: 1741569952,
    model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: turn.toolCall ? 'tool_calls' : 'stop' }],
    usage: chatTurnUsage(turn),
  };
}

function responsesTurnItems(turn: ScriptedTurn): Array<Record<string, unknown>> {
  const items: Array<Record<string, unknown>> = [];
  if (turn.reasoning !== undefined) {
    const item: Record<string, unknown> = { id: 'rs_turn', type: 'reasoning', summary: [{ type: 'summary_text', text: turn.reasoning }] };
    if (turn.encryptedReasoning !== undefined) item.encrypted_content = turn.encryptedReasoning;
    items.push(item);
  }
  if (turn.text !== undefined) items.push({ id: 'msg_turn', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: turn.text, annotations: [] }] });
  const call = turn.toolCall;
  if (call?.custom === true) {
    const item: Record<string, unknown> = { id: 'ctc_turn', type: 'custom_tool_call', status: 'completed', call_id: call.id, name: call.name, input: call.argumentPieces.join('') };
    if (call.namespace !== undefined) item.namespace = call.namespace;
    items.push(item);
  } else if (call) items.push({ id: 'fc_turn', type: 'function_call', status: 'completed', call_id: call.id, name: call.name, arguments: call.argumentPieces.join('') });
  return items;
}

function responsesTurnUsage(turn: ScriptedTurn): Record<string, unknown> {
  const { input, cached = 0, output } = turn.usage ?? defaultTurnUsage;
  return { input_tokens: input, input_tokens_details: { cached_tokens: cached }, output_tokens: output, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: input + output };
}

/** The turn as a Responses stream, with every item's added/delta/done events and `response.completed`. */
export function responsesTurnStream(model: string, turn: ScriptedTurn): string[] {
  let sequence = 0;
  const event = (type: string, fields: Record<string, unknown>): string => sse({ type, sequence_number: sequence++, ...fields }, type);
  const items = responsesTurnItems(turn);
  const frames = [event('response.created', { response: responseObject(model, 'in_progress', [], null) }), event('response.in_progress', { response: responseObject(model, 'in_progress', [], null) })];
  items.forEach((item, output_index) => {
    switch (item.type) {
      case 'reasoning':
        frames.push(
          event('response.output_item.added', { output_index, item: { ...item, summary: [] } }),
          event('response.reasoning_summary_part.added', { item_id: item.id, output_index, summary_index: 0, part: { type: 'summary_text', text: '' } }),
          event('response.reasoning_summary_text.delta', { item_id: item.id, output_index, summary_index: 0, delta: turn.reasoning }),
          event('response.reasoning_summary_text.done', { item_id: item.id, output_index, summary_index: 0, text: turn.reasoning }),
          event('response.reasoning_summary_part.done', { item_id: item.id, output_index, summary_index: 0, part: { type: 'summary_text', text: turn.reasoning } }),
        );
        break;
      case 'message':
        frames.push(
          event('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', content: [] } }),
          event('response.content_part.added', { item_id: item.id, output_index, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }),
          event('response.output_text.delta', { item_id: item.id, output_index, content_index: 0, delta: turn.text, logprobs: [] }),
          event('response.output_text.done', { item_id: item.id, output_index, content_index: 0, text: turn.text, logprobs: [] }),
          event('response.content_part.done', { item_id: item.id, output_index, content_index: 0, part: { type: 'output_text', text: turn.text, annotations: [] } }),
        );
        break;
      case 'custom_tool_call':
        frames.push(event('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', input: '' } }));
        for (const delta of turn.toolCall!.argumentPieces) frames.push(event('response.custom_tool_call_input.delta', { item_id: item.id, output_index, delta }));
        frames.push(event('response.custom_tool_call_input.done', { item_id: item.id, output_index, input: item.input }));
        break;
      default:
        frames.push(event('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', arguments: '' } }));
        for (const delta of turn.toolCall!.argumentPieces) frames.push(event('response.function_call_arguments.delta', { item_id: item.id, output_index, delta }));
        frames.push(event('response.function_call_arguments.done', { item_id: item.id, output_index, arguments: item.arguments }));
    }
    frames.push(event('response.output_item.done', { output_index, item }));
  });
  frames.push(event('response.completed', { response: responseObject(model, 'completed', items, responsesTurnUsage(turn)) }));
  return frames;
}

export function responsesTurnResponse(model: string, turn: ScriptedTurn): Record<string, unknown> {
  return responseObject(model, 'completed', responsesTurnItems(turn), responsesTurnUsage(turn));
}

/** A fake provider's answer to `request` in `format`'s wire shape: the turn streamed when the request asked for a stream, else one JSON body. */
export function scriptedTurnReply(format: 'anthropic' | 'openai-chat' | 'openai-responses', request: { body: Record<string, unknown> }, turn: ScriptedTurn): FakeReply {
  const model = String(request.body.model);
  const stream = request.body.stream === true;
  switch (format) {
    case 'anthropic':
      return stream ? { kind: 'sse', frames: anthropicTurnStream(model, turn) } : { kind: 'json', body: anthropicTurnMessage(model, turn) };
    case 'openai-chat':
      return stream ? { kind: 'sse', frames: chatTurnStream(model, turn) } : { kind: 'json', body: chatTurnCompletion(model, turn) };
    case 'openai-responses':
      return stream ? { kind: 'sse', frames: responsesTurnStream(model, turn) } : { kind: 'json', body: responsesTurnResponse(model, turn) };
    default: {
      const unexpected: never = format;
      throw new Error(`unknown format ${String(unexpected)}`);
    }
  }
}

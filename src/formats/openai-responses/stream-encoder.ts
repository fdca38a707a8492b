import type { EncodeContext, StreamEncoder } from '../../canonical/codec.js';
import type { StreamError, StreamPart } from '../../canonical/stream.js';
import type { FinishReason, Usage } from '../../canonical/types.js';
import { formatSseEvent } from '../../sse/format-sse-event.js';
import { generateId } from '../shared/generate-id.js';
import { encodeClientSignature } from '../shared/reasoning-signature.js';
import { customInputJsonClosing, customInputJsonOpening, escapeJsonStringFragment, unwrapCustomToolInput } from '../shared/tool-input.js';
import { createToolKinds, isCustomCall } from './encode-request.js';
import { responsesErrorEventFields, responsesFailure } from './encode-error.js';
import { createResponseShell, toResponseId } from './encode-response.js';
import { encodeResponsesFinishReason } from './map-finish-reason.js';
import { encodeResponsesUsage } from './map-usage.js';
import { createNamespacedNames, wireCallName } from './namespace-tools.js';
import { responsesPartData } from './provider-data.js';

type Item = Record<string, unknown>;

/** One output item being streamed, keyed by its canonical block index. */
type OpenBlock =
  | { kind: 'text' | 'refusal'; itemId: string; outputIndex: number; text: string }
  | { kind: 'reasoning'; itemId: string; outputIndex: number; text: string; summaryOpen: boolean; encrypted?: string }
  | {
      kind: 'call';
      itemId: string;
      outputIndex: number;
      callId: string;
      /** The name as written: a namespace member's own name, its namespace beside it. */
      name: string;
      namespace: string | undefined;
      /** Written as a `custom_tool_call` (else `function_call`). */
      custom: boolean;
      /**
       * The source's input is in the other shape: JSON arguments `{"input": …}`
       * of a custom tool's function stand-in (buffered, unwrapped at the end),
       * or freeform text to wrap into such arguments (wrapped as it streams).
       */
      convert: 'none' | 'unwrap' | 'wrap';
      input: string;
    };

/**
 * Writes canonical stream parts as the Responses API streams them: every
 * event named by `event:` and carrying `type` and an increasing
 * `sequence_number`; `response.created` and `response.in_progress` first;
 * each item opened with `response.output_item.added` and closed with
 * `response.output_item.done` holding the whole item; the stream closed by
 * `response.completed` (or `.incomplete`, `.failed`) with the whole response.
 * Codex builds its history from the `output_item.done` items and retries a
 * stream that ends without `response.completed`.
 */
export function createResponsesStreamEncoder(context: EncodeContext, emit: (frame: string) => void): StreamEncoder {
  const tools = createToolKinds(context.request.tools);
  const namespaces = createNamespacedNames(context.request);
  const blocks = new Map<number, OpenBlock>();
  const output: Item[] = [];
  let sequence = 0;
  let shell: Record<string, unknown> | undefined;
  let usage: Partial<Usage> = {};
  let closed = false;

  /** Frames one event; `type` and `sequence_number` lead, as on the real API, without copying the fields into a new object. */
  const send = (type: string, fields: Record<string, unknown>): void => {
    emit(formatSseEvent(`{"type":"${type}","sequence_number":${sequence++},${JSON.stringify(fields).slice(1)}`, type));
  };

  const start = (id: string): void => {
    if (shell !== undefined) return;
    shell = createResponseShell(context, toResponseId(id), Math.floor(Date.now() / 1000));
    send('response.created', { response: shell });
    send('response.in_progress', { response: shell });
  };

  const addItem = (item: Item): number => {
    const outputIndex = output.length;
    output.push(item);
    send('response.output_item.added', { output_index: outputIndex, item });
    return outputIndex;
  };

  const finishItem = (outputIndex: number, item: Item): void => {
    output[outputIndex] = item;
    send('response.output_item.done', { output_index: outputIndex, item });
  };

  const openMessage = (index: number, kind: 'text' | 'refusal'): Extract<OpenBlock, { kind: 'text' | 'refusal' }> => {
    const itemId = generateId('msg_');
    const outputIndex = addItem({ id: itemId, type: 'message', status: 'in_progress', content: [], role: 'assistant' });
    const part = kind === 'text' ? { type: 'output_text', annotations: [], logprobs: [], text: '' } : { type: 'refusal', refusal: '' };
    send('response.content_part.added', { item_id: itemId, output_index: outputIndex, content_index: 0, part });
    const block = { kind, itemId, outputIndex, text: '' };
    blocks.set(index, block);
    return block;
  };

  /** The open message block at `index`; a delta without its start (or on another kind's index) opens one. */
  const messageBlock = (index: number, kind: 'text' | 'refusal'): Extract<OpenBlock, { kind: 'text' | 'refusal' }> => {
    const block = blocks.get(index);
    if (block?.kind === kind) return block;
    if (block !== undefined) closeBlock(index);
    return openMessage(index, kind);
  };

  const closeBlock = (index: number): void => {
    const block = blocks.get(index);
    if (block === undefined) return;
    blocks.delete(index);
    const { itemId, outputIndex } = block;
    switch (block.kind) {
      case 'text': {
        const part = { type: 'output_text', annotations: [], logprobs: [], text: block.text };
        send('response.output_text.done', { item_id: itemId, output_index: outputIndex, content_index: 0, text: block.text, logprobs: [] });
        send('response.content_part.done', { item_id: itemId, output_index: outputIndex, content_index: 0, part });
        finishItem(outputIndex, { id: itemId, type: 'message', status: 'completed', content: [part], role: 'assistant' });
        return;
      }
      case 'refusal': {
        const part = { type: 'refusal', refusal: block.text };
        send('response.refusal.done', { item_id: itemId, output_index: outputIndex, content_index: 0, refusal: block.text });
        send('response.content_part.done', { item_id: itemId, output_index: outputIndex, content_index: 0, part });
        finishItem(outputIndex, { id: itemId, type: 'message', status: 'completed', content: [part], role: 'assistant' });
        return;
      }
      case 'reasoning': {
        const summary = block.summaryOpen ? [{ type: 'summary_text', text: block.text }] : [];
        if (block.summaryOpen) {
          send('response.reasoning_summary_text.done', { item_id: itemId, output_index: outputIndex, summary_index: 0, text: block.text });
          send('response.reasoning_summary_part.done', { item_id: itemId, output_index: outputIndex, summary_index: 0, part: summary[0] });
        }
        const item: Item = { id: itemId, type: 'reasoning', summary };
        if (block.encrypted !== undefined) item.encrypted_content = block.encrypted;
        finishItem(outputIndex, item);
        return;
      }
      case 'call': {
        if (block.convert === 'unwrap') {
          const input = unwrapCustomToolInput(block.input);
          if (input !== '') send('response.custom_tool_call_input.delta', { item_id: itemId, output_index: outputIndex, delta: input });
          block.input = input;
        } else if (block.convert === 'wrap') {
          if (block.input === '') sendCallDelta(block, customInputJsonOpening);
          sendCallDelta(block, customInputJsonClosing);
        }
        const item: Item = { id: itemId, type: block.custom ? 'custom_tool_call' : 'function_call', status: 'completed', call_id: block.callId, name: block.name };
        if (block.namespace !== undefined) item.namespace = block.namespace;
        if (block.custom) {
          item.input = block.input;
          send('response.custom_tool_call_input.done', { item_id: itemId, output_index: outputIndex, input: block.input });
        } else {
          item.arguments = block.input;
          send('response.function_call_arguments.done', { item_id: itemId, output_index: outputIndex, arguments: block.input });
        }
        finishItem(outputIndex, item);
        return;
      }
      default: {
        const unexpected: never = block;
        throw new Error(`unknown block ${String((unexpected as { kind?: unknown }).kind)}`);
      }
    }
  };

  /** Sends argument text as it goes on the wire (already converted) and records it. */
  const sendCallDelta = (block: Extract<OpenBlock, { kind: 'call' }>, delta: string): void => {
    block.input += delta;
    const type = block.custom ? 'response.custom_tool_call_input.delta' : 'response.function_call_arguments.delta';
    send(type, { item_id: block.itemId, output_index: block.outputIndex, delta });
  };

  const closeAll = (): void => {
    for (const index of [...blocks.keys()].sort((a, b) => a - b)) closeBlock(index);
  };

  const finish = (reason: FinishReason, finalUsage: Usage | undefined): void => {
    closeAll();
    const { status, incomplete_details } = encodeResponsesFinishReason(reason);
    const response: Item = { ...shell, status, incomplete_details, output, usage: encodeResponsesUsage(finalUsage ?? usage) };
    if (status === 'failed') response.error = responsesFailure(undefined, undefined, `the model stopped with ${reason.raw ?? 'an error'}`);
    const type = status === 'completed' ? 'response.completed' : status === 'incomplete' ? 'response.incomplete' : 'response.failed';
    send(type, { response });
  };

  const fail = (error: StreamError): void => {
    // Items still open are left out: a failed response lists only what was finished.
    const failure = responsesFailure(error.type, error.status, error.message);
    const response = { ...shell, status: 'failed', error: failure, output: output.filter((item) => item.status !== 'in_progress') };
    send('error', responsesErrorEventFields(failure));
    send('response.failed', { response });
  };

  return {
    push(part: StreamPart) {
      if (closed) return;
      if (part.type === 'response-start') {
        if (part.usage !== undefined) usage = { ...usage, ...part.usage };
        start(part.id);
        return;
      }
      start(generateId('resp_'));
      switch (part.type) {
        case 'text-start':
          openMessage(part.index, 'text');
          return;
        case 'text-delta': {
          const block = messageBlock(part.index, 'text');
          block.text += part.text;
          send('response.output_text.delta', { item_id: block.itemId, output_index: block.outputIndex, content_index: 0, delta: part.text, logprobs: [] });
          return;
        }
        case 'refusal-delta': {
          const block = messageBlock(part.index, 'refusal');
          block.text += part.text;
          send('response.refusal.delta', { item_id: block.itemId, output_index: block.outputIndex, content_index: 0, delta: part.text });
          return;
        }
        case 'reasoning-start': {
          const itemId = generateId('rs_');
          const outputIndex = addItem({ id: itemId, type: 'reasoning', summary: [] });
          blocks.set(part.index, { kind: 'reasoning', itemId, outputIndex, text: '', summaryOpen: false });
          return;
        }
        case 'reasoning-delta': {
          const block = blocks.get(part.index);
          if (block?.kind !== 'reasoning' || part.text === '') return;
          if (!block.summaryOpen) {
            block.summaryOpen = true;
            send('response.reasoning_summary_part.added', { item_id: block.itemId, output_index: block.outputIndex, summary_index: 0, part: { type: 'summary_text', text: '' } });
          }
          block.text += part.text;
          send('response.reasoning_summary_text.delta', { item_id: block.itemId, output_index: block.outputIndex, summary_index: 0, delta: part.text });
          return;
        }
        case 'reasoning-signature': {
          const block = blocks.get(part.index);
          // Another family's proof travels as a marker (see reasoning-signature.ts): the client sends it back
          // next turn, and the request reader restores it for that family only.
          if (block?.kind === 'reasoning') block.encrypted = encodeClientSignature(part.signature, 'openai-responses');
          return;
        }
        case 'tool-call-start': {
          const custom = isCustomCall(tools, part.name, part.kind);
          const convert = custom === (part.kind === 'custom') ? 'none' : custom ? 'unwrap' : 'wrap';
          const itemId = generateId(custom ? 'ctc_' : 'fc_');
          const { name, namespace } = wireCallName(part.name, responsesPartData(part.providerData)?.item?.namespace, namespaces);
          const item: Item = custom
            ? { id: itemId, type: 'custom_tool_call', status: 'in_progress', call_id: part.id, name, input: '' }
            : { id: itemId, type: 'function_call', status: 'in_progress', arguments: '', call_id: part.id, name };
          if (namespace !== undefined) item.namespace = namespace;
          const outputIndex = addItem(item);
          blocks.set(part.index, { kind: 'call', itemId, outputIndex, callId: part.id, name, namespace, custom, convert, input: '' });
          return;
        }
        case 'tool-call-delta': {
          const block = blocks.get(part.index);
          if (block?.kind !== 'call' || part.inputDelta === '') return;
          if (block.convert === 'unwrap') block.input += part.inputDelta;
          else if (block.convert === 'wrap') sendCallDelta(block, (block.input === '' ? customInputJsonOpening : '') + escapeJsonStringFragment(part.inputDelta));
          else sendCallDelta(block, part.inputDelta);
          return;
        }
        case 'text-end':
        case 'reasoning-end':
        case 'tool-call-end':
          closeBlock(part.index);
          return;
        case 'usage':
          usage = { ...usage, ...part.usage };
          return;
        case 'finish':
          closed = true;
          finish(part.finishReason, part.usage);
          return;
        case 'error':
          closed = true;
          fail(part.error);
          return;
        default: {
          const unexpected: never = part;
          throw new Error(`unknown stream part ${String((unexpected as { type?: unknown }).type)}`);
        }
      }
    },
  };
}

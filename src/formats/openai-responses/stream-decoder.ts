import type { StreamDecoder } from '../../canonical/codec.js';
import type { SseEvent, StreamPart } from '../../canonical/stream.js';
import { decodeAssistantItem } from './decode-response.js';
import { gatewayErrorType } from './encode-error.js';
import { decodeResponsesFinishReason } from './map-finish-reason.js';
import { decodeResponsesUsage } from './map-usage.js';
import { canonicalCallName } from './namespace-tools.js';
import { partDataField, type ResponsesItemData } from './provider-data.js';
import type { ResponsesOutputItem, ResponsesResponse, ResponsesStreamEvent } from './wire-types.js';
import { parseEventObject } from '../shared/parse-event-object.js';

/** What the decoder knows about one output item while it streams. */
interface ItemState {
  type: 'message' | 'reasoning' | 'call';
  /** Canonical block index per content part (message) or summary entry (reasoning); calls use entry 0. */
  blocks: Map<number, Block>;
  itemId: string | undefined;
}

interface Block {
  index: number;
  /** Text delivered by deltas, to top up from the finished item when its tail went missing. */
  text: string;
  /** Refusals have no start/end part in canonical. */
  refusal: boolean;
}

/**
 * Reads a Responses event stream into canonical parts. Blocks start at an
 * item's first delta (or at `output_item.added` for calls), end at
 * `response.output_item.done`, whose complete item also fills in whatever the
 * deltas did not deliver. Events that repeat what deltas already said
 * (`*.done`, `content_part.*`, `in_progress`) are ignored on purpose.
 */
export function createResponsesStreamDecoder(emit: (part: StreamPart) => void): StreamDecoder {
  const items = new Map<number, ItemState>();
  let nextIndex = 0;
  let sawToolCall = false;
  let terminated = false;

  const fail = (type: string, message: string, code?: string): void => {
    terminated = true;
    emit(code === undefined ? { type: 'error', error: { type, message } } : { type: 'error', error: { type, message, code } });
  };

  const openBlock = (state: ItemState, key: number, refusal: boolean, summaryIndex?: number): Block => {
    const block: Block = { index: nextIndex++, text: '', refusal };
    state.blocks.set(key, block);
    if (state.type === 'message' && !refusal) emit({ type: 'text-start', index: block.index });
    if (state.type === 'reasoning') {
      const data = summaryIndex === undefined || summaryIndex === 0 ? { summaryIndex: 0, item: state.itemId === undefined ? {} : { id: state.itemId } } : { summaryIndex };
      emit({ type: 'reasoning-start', index: block.index, ...partDataField(data) });
    }
    return block;
  };

  const delta = (outputIndex: number, key: number, text: string, refusal = false): void => {
    const state = items.get(outputIndex);
    if (state === undefined || text === '') return;
    if (state.type === 'reasoning') {
      // A new summary entry ends the previous one: each entry is its own canonical reasoning block.
      const last = lastBlock(state);
      if (last !== undefined && !state.blocks.has(key)) emit({ type: 'reasoning-end', index: last.index });
    }
    const block = state.blocks.get(key) ?? openBlock(state, key, refusal, key);
    block.text += text;
    switch (state.type) {
      case 'message':
        emit(block.refusal ? { type: 'refusal-delta', index: block.index, text } : { type: 'text-delta', index: block.index, text });
        return;
      case 'reasoning':
        emit({ type: 'reasoning-delta', index: block.index, text });
        return;
      case 'call':
        emit({ type: 'tool-call-delta', index: block.index, inputDelta: text });
        return;
      default: {
        const unexpected: never = state.type;
        void unexpected;
      }
    }
  };

  const itemAdded = (outputIndex: number, item: ResponsesOutputItem): void => {
    switch (item.type) {
      case 'message':
        items.set(outputIndex, { type: 'message', blocks: new Map(), itemId: item.id });
        return;
      case 'reasoning':
        items.set(outputIndex, { type: 'reasoning', blocks: new Map(), itemId: item.id });
        return;
      case 'function_call':
      case 'custom_tool_call': {
        sawToolCall = true;
        const state: ItemState = { type: 'call', blocks: new Map(), itemId: item.id };
        const block: Block = { index: nextIndex++, text: '', refusal: false };
        state.blocks.set(0, block);
        items.set(outputIndex, state);
        const kind = item.type === 'custom_tool_call' ? 'custom' : 'function';
        const itemData: ResponsesItemData = {};
        if (item.id !== undefined) itemData.id = item.id;
        if (typeof item.namespace === 'string') itemData.namespace = item.namespace;
        const name = canonicalCallName(item.name, item.namespace);
        emit({ type: 'tool-call-start', index: block.index, id: item.call_id, name, kind, ...partDataField(Object.keys(itemData).length === 0 ? {} : { item: itemData }) });
        return;
      }
      default:
        // Hosted tool items (web_search_call…) ran at OpenAI; they have no canonical block.
        return;
    }
  };

  /** Closes an item's blocks, first delivering from the complete item whatever its deltas missed. */
  const itemDone = (outputIndex: number, item: ResponsesOutputItem): void => {
    const state = items.get(outputIndex);
    items.delete(outputIndex);
    if (state === undefined) return;
    switch (item.type) {
      case 'message':
        if (Array.isArray(item.content)) {
          item.content.forEach((content, contentIndex) => {
            const text = content.type === 'refusal' ? content.refusal : content.text;
            topUp(state, contentIndex, text, content.type === 'refusal');
          });
        }
        for (const block of state.blocks.values()) if (!block.refusal) emit({ type: 'text-end', index: block.index });
        return;
      case 'reasoning': {
        const parts = decodeAssistantItem(item);
        if (state.blocks.size === 0) {
          // No deltas at all (summaries off, or an encrypted-only item): the parts come from the item itself.
          for (const part of parts) {
            if (part.type !== 'reasoning') continue;
            const index = nextIndex++;
            emit({ type: 'reasoning-start', index, ...(part.providerData === undefined ? {} : { providerData: part.providerData }) });
            if (part.text !== '') emit({ type: 'reasoning-delta', index, text: part.text });
            if (part.signature !== undefined) emit({ type: 'reasoning-signature', index, signature: part.signature });
            emit({ type: 'reasoning-end', index });
          }
          return;
        }
        item.summary.forEach((entry, summaryIndex) => topUp(state, summaryIndex, entry.text, false));
        const last = lastBlock(state)!;
        if (typeof item.encrypted_content === 'string') emit({ type: 'reasoning-signature', index: last.index, signature: { format: 'openai-responses', value: item.encrypted_content } });
        emit({ type: 'reasoning-end', index: last.index });
        return;
      }
      case 'function_call':
      case 'custom_tool_call': {
        topUp(state, 0, item.type === 'function_call' ? item.arguments : item.input, false);
        emit({ type: 'tool-call-end', index: state.blocks.get(0)!.index });
        return;
      }
      default:
        return;
    }
  };

  const topUp = (state: ItemState, key: number, full: unknown, refusal: boolean): void => {
    if (typeof full !== 'string') return;
    const block = state.blocks.get(key);
    if (block === undefined) {
      if (full === '' && state.type !== 'message') return;
      const opened = openBlock(state, key, refusal, key);
      if (full !== '') emitDelta(state, opened, full);
      return;
    }
    // Only a missing tail can be delivered late; a gap in the middle cannot be repaired once sent.
    if (full.length > block.text.length && full.startsWith(block.text)) emitDelta(state, block, full.slice(block.text.length));
  };

  const emitDelta = (state: ItemState, block: Block, text: string): void => {
    block.text += text;
    if (state.type === 'call') emit({ type: 'tool-call-delta', index: block.index, inputDelta: text });
    else if (state.type === 'reasoning') emit({ type: 'reasoning-delta', index: block.index, text });
    else emit(block.refusal ? { type: 'refusal-delta', index: block.index, text } : { type: 'text-delta', index: block.index, text });
  };

  const finish = (response: ResponsesResponse): void => {
    terminated = true;
    const finishReason = decodeResponsesFinishReason(response.status, response.incomplete_details?.reason, sawToolCall);
    emit(response.usage ? { type: 'finish', finishReason, usage: decodeResponsesUsage(response.usage) } : { type: 'finish', finishReason });
  };

  const handle = (event: ResponsesStreamEvent): void => {
    switch (event.type) {
      case 'response.created': {
        const usage = event.response.usage ? decodeResponsesUsage(event.response.usage) : undefined;
        emit({ type: 'response-start', id: event.response.id, model: event.response.model, ...(usage === undefined ? {} : { usage }) });
        return;
      }
      case 'response.output_item.added':
        itemAdded(event.output_index, event.item);
        return;
      case 'response.output_item.done':
        itemDone(event.output_index, event.item);
        return;
      case 'response.output_text.delta':
        delta(event.output_index, event.content_index, event.delta);
        return;
      case 'response.refusal.delta':
        delta(event.output_index, event.content_index, event.delta, true);
        return;
      case 'response.reasoning_summary_text.delta':
        delta(event.output_index, event.summary_index, event.delta);
        return;
      case 'response.reasoning_text.delta':
        // Raw reasoning (open-weight models) and summaries are not mixed in one item; both read as reasoning text.
        delta(event.output_index, event.content_index, event.delta);
        return;
      case 'response.function_call_arguments.delta':
      case 'response.custom_tool_call_input.delta':
        delta(event.output_index, 0, event.delta);
        return;
      case 'response.completed':
      case 'response.incomplete':
        finish(event.response);
        return;
      case 'response.failed': {
        const error = event.response.error;
        fail(gatewayErrorType(error?.code, undefined), error?.message ?? 'the upstream response failed');
        return;
      }
      case 'error':
        fail(gatewayErrorType(event.code, undefined), event.message);
        return;
      case 'response.in_progress':
      case 'response.queued':
      case 'response.content_part.added':
      case 'response.content_part.done':
      case 'response.output_text.done':
      case 'response.output_text.annotation.added':
      case 'response.refusal.done':
      case 'response.reasoning_summary_part.added':
      case 'response.reasoning_summary_part.done':
      case 'response.reasoning_summary_text.done':
      case 'response.reasoning_text.done':
      case 'response.function_call_arguments.done':
      case 'response.custom_tool_call_input.done':
        return;
      case 'response.audio.delta':
      case 'response.audio.done':
      case 'response.audio.transcript.delta':
      case 'response.audio.transcript.done':
      case 'response.code_interpreter_call_code.delta':
      case 'response.code_interpreter_call_code.done':
      case 'response.code_interpreter_call.completed':
      case 'response.code_interpreter_call.in_progress':
      case 'response.code_interpreter_call.interpreting':
      case 'response.file_search_call.completed':
      case 'response.file_search_call.in_progress':
      case 'response.file_search_call.searching':
      case 'response.web_search_call.completed':
      case 'response.web_search_call.in_progress':
      case 'response.web_search_call.searching':
      case 'response.image_generation_call.completed':
      case 'response.image_generation_call.generating':
      case 'response.image_generation_call.in_progress':
      case 'response.image_generation_call.partial_image':
      case 'response.mcp_call_arguments.delta':
      case 'response.mcp_call_arguments.done':
      case 'response.mcp_call.completed':
      case 'response.mcp_call.failed':
      case 'response.mcp_call.in_progress':
      case 'response.mcp_list_tools.completed':
      case 'response.mcp_list_tools.failed':
      case 'response.mcp_list_tools.in_progress':
        // Progress of tools that run at OpenAI: nothing the canonical stream can carry.
        return;
      default: {
        const unexpected: never = event;
        void unexpected;
      }
    }
  };

  return {
    push(event: SseEvent) {
      if (terminated) return;
      const parsed = parseEventObject(event.data);
      if (parsed === undefined) return fail('api_error', `malformed upstream event: ${event.data.slice(0, 200)}`, 'SB_UPSTREAM_STREAM_BROKEN');
      if (typeof parsed.type === 'string') handle(parsed as unknown as ResponsesStreamEvent);
    },
    end() {
      if (!terminated) fail('api_error', 'the upstream stream ended before response.completed', 'SB_UPSTREAM_STREAM_BROKEN');
    },
  };
}

function lastBlock(state: ItemState): Block | undefined {
  let last: Block | undefined;
  for (const block of state.blocks.values()) last = block;
  return last;
}

import type { StreamDecoder } from '../../canonical/codec.js';
import type { SseEvent, StreamPart } from '../../canonical/stream.js';
import type { FinishReason, Usage } from '../../canonical/types.js';
import { toAnthropicErrorType } from '../shared/error-types.js';
import { generateId } from '../shared/generate-id.js';
import { decodeChatFinishReason } from './map-finish-reason.js';
import { decodeChatUsage } from './map-usage.js';
import type { ChatCompletionChunk, ChatDelta, ChatToolCallDelta, ChatUsage } from './wire-types.js';
import { parseEventObject } from '../shared/parse-event-object.js';

/**
 * Reads a Chat Completions chunk stream into canonical parts (first choice
 * only). Text, reasoning and refusal runs become blocks that end when another
 * kind starts; tool calls, keyed by `tool_calls[].index` with id and name in
 * their first fragment only, stay open until the finish because a server may
 * interleave them. The stream is complete at `[DONE]` or, for servers that
 * omit it, at a finish_reason; anything else ending the body is an error.
 */
export function createChatStreamDecoder(emit: (part: StreamPart) => void): StreamDecoder {
  let started = false;
  let done = false;
  let nextIndex = 0;
  /** The open text, reasoning or refusal block. */
  let open: { kind: 'text' | 'reasoning' | 'refusal'; index: number } | undefined;
  /** Chat tool-call index -> canonical block index, in start order. */
  const toolBlocks = new Map<number, number>();
  let finishReason: FinishReason | undefined;
  let usage: Usage | undefined;

  const closeOpen = (): void => {
    if (open === undefined) return;
    if (open.kind === 'text') emit({ type: 'text-end', index: open.index });
    else if (open.kind === 'reasoning') emit({ type: 'reasoning-end', index: open.index });
    open = undefined;
  };

  const openBlock = (kind: 'text' | 'reasoning' | 'refusal'): number => {
    if (open?.kind === kind) return open.index;
    closeOpen();
    const index = nextIndex++;
    open = { kind, index };
    if (kind === 'text') emit({ type: 'text-start', index });
    else if (kind === 'reasoning') emit({ type: 'reasoning-start', index });
    return index;
  };

  const closeAll = (): void => {
    closeOpen();
    for (const index of toolBlocks.values()) emit({ type: 'tool-call-end', index });
    toolBlocks.clear();
  };

  const finish = (reason: FinishReason): void => {
    done = true;
    closeAll();
    const part: StreamPart = { type: 'finish', finishReason: reason };
    if (usage !== undefined) part.usage = usage;
    emit(part);
  };

  const fail = (type: string, message: string, code?: string): void => {
    done = true;
    emit({ type: 'error', error: code === undefined ? { type, message } : { type, message, code } });
  };

  const toolCallDelta = (call: ChatToolCallDelta, position: number): void => {
    // Some OpenAI-compatible servers omit `index`; their tool calls arrive whole, one per array slot.
    const key = typeof call.index === 'number' ? call.index : position;
    let index = toolBlocks.get(key);
    if (index === undefined) {
      closeOpen();
      index = nextIndex++;
      toolBlocks.set(key, index);
      emit({ type: 'tool-call-start', index, id: call.id ?? generateId('call_'), name: call.function?.name ?? '', kind: 'function' });
    }
    const fragment = call.function?.arguments;
    if (typeof fragment === 'string' && fragment.length > 0) emit({ type: 'tool-call-delta', index, inputDelta: fragment });
  };

  const handleDelta = (delta: ChatDelta): void => {
    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (typeof reasoning === 'string' && reasoning.length > 0) emit({ type: 'reasoning-delta', index: openBlock('reasoning'), text: reasoning });
    if (typeof delta.content === 'string' && delta.content.length > 0) emit({ type: 'text-delta', index: openBlock('text'), text: delta.content });
    if (typeof delta.refusal === 'string' && delta.refusal.length > 0) emit({ type: 'refusal-delta', index: openBlock('refusal'), text: delta.refusal });
    if (Array.isArray(delta.tool_calls)) delta.tool_calls.forEach(toolCallDelta);
  };

  const handleChunk = (chunk: ChatCompletionChunk): void => {
    if (!started) {
      started = true;
      const part: StreamPart = { type: 'response-start', id: typeof chunk.id === 'string' ? chunk.id : generateId('chatcmpl-'), model: typeof chunk.model === 'string' ? chunk.model : '' };
      if (typeof chunk.created === 'number') part.providerData = { 'openai-chat': { created: chunk.created } };
      emit(part);
    }
    if (chunk.usage !== undefined && chunk.usage !== null) usage = decodeChatUsage(chunk.usage as ChatUsage);
    const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
    if (choice === undefined || finishReason !== undefined) return;
    if (choice.delta !== undefined && choice.delta !== null) handleDelta(choice.delta);
    if (choice.finish_reason !== null && choice.finish_reason !== undefined) {
      finishReason = decodeChatFinishReason(choice.finish_reason);
      closeAll();
    }
  };

  return {
    push(event: SseEvent) {
      if (done) return;
      if (event.data === '[DONE]') {
        finish(finishReason ?? { unified: 'other' });
        return;
      }
      const parsed = parseEventObject(event.data);
      if (parsed === undefined) return fail('api_error', 'the upstream stream sent a chunk that is not a JSON object', 'SB_UPSTREAM_STREAM_BROKEN');
      const error = (parsed as { error?: { message?: unknown; type?: unknown; code?: unknown } }).error;
      if (error !== undefined && error !== null) {
        // OpenAI reports a failure after the stream started as a data chunk holding only `error`.
        const type = typeof error.code === 'string' ? error.code : typeof error.type === 'string' ? error.type : undefined;
        fail(toAnthropicErrorType(type, undefined), typeof error.message === 'string' ? error.message : 'upstream stream error');
        return;
      }
      handleChunk(parsed as unknown as ChatCompletionChunk);
    },
    end() {
      if (done) return;
      if (finishReason !== undefined) finish(finishReason);
      else fail('api_error', 'the upstream stream ended without a finish_reason or [DONE]', 'SB_UPSTREAM_STREAM_BROKEN');
    },
  };
}

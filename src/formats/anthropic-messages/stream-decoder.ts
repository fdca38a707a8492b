import type { StreamDecoder } from '../../canonical/codec.js';
import type { SseEvent, StreamPart } from '../../canonical/stream.js';
import type { FinishReason, Usage } from '../../canonical/types.js';
import { toAnthropicErrorType } from '../shared/error-types.js';
import { decodeAnthropicStopReason } from './map-finish-reason.js';
import { decodeAnthropicUsage } from './map-usage.js';
import { decodeThinkingSignature } from '../shared/reasoning-signature.js';
import { isServerToolBlock, type AnthropicMessageDeltaUsage, type AnthropicStreamEvent } from './wire-types.js';
import { parseEventObject } from '../shared/parse-event-object.js';

type BlockKind = 'text' | 'reasoning' | 'tool-call' | 'ignored';

/**
 * Reads an Anthropic Messages event stream into canonical parts. Anthropic
 * block indexes are reused as canonical indexes, except that server-tool
 * blocks (which no other format can show) are skipped and later blocks
 * renumbered so canonical indexes stay dense.
 */
export function createAnthropicStreamDecoder(emit: (part: StreamPart) => void): StreamDecoder {
  const blocks = new Map<number, { kind: BlockKind; index: number }>();
  let nextIndex = 0;
  let done = false;
  let finishReason: FinishReason | undefined;
  let usage: Usage | undefined;

  const fail = (type: string, message: string, code?: string): void => {
    done = true;
    emit({ type: 'error', error: code === undefined ? { type, message } : { type, message, code } });
  };

  const mergeUsage = (update: Partial<AnthropicMessageDeltaUsage>): void => {
    // message_delta usage is cumulative; input and cache counts appear in it only on newer API versions.
    const previous = usage;
    const decoded = decodeAnthropicUsage({
      input_tokens: update.input_tokens ?? inputOnly(previous),
      cache_read_input_tokens: update.cache_read_input_tokens ?? previous?.cacheReadTokens ?? null,
      cache_creation_input_tokens: update.cache_creation_input_tokens ?? previous?.cacheWriteTokens ?? null,
      output_tokens: update.output_tokens ?? previous?.outputTokens ?? 0,
    });
    usage = decoded;
  };

  const handle = (event: AnthropicStreamEvent): void => {
    switch (event.type) {
      case 'message_start': {
        const message = event.message;
        if (message.usage !== undefined) mergeUsage(message.usage);
        const part: StreamPart = { type: 'response-start', id: message.id, model: message.model };
        if (usage !== undefined) part.usage = { ...usage };
        emit(part);
        return;
      }
      case 'content_block_start': {
        const block = event.content_block;
        if (isServerToolBlock(block)) {
          // Server-tool blocks ran inside Anthropic; their deltas are skipped and later blocks renumbered.
          blocks.set(event.index, { kind: 'ignored', index: -1 });
          return;
        }
        switch (block.type) {
          case 'text': {
            const index = open(event.index, 'text');
            emit({ type: 'text-start', index });
            if (block.text.length > 0) emit({ type: 'text-delta', index, text: block.text });
            return;
          }
          case 'thinking': {
            const index = open(event.index, 'reasoning');
            emit({ type: 'reasoning-start', index });
            if (block.thinking.length > 0) emit({ type: 'reasoning-delta', index, text: block.thinking });
            return;
          }
          case 'redacted_thinking':
            emit({ type: 'reasoning-start', index: open(event.index, 'reasoning'), redacted: block.data });
            return;
          case 'tool_use': {
            const index = open(event.index, 'tool-call');
            emit({ type: 'tool-call-start', index, id: block.id, name: block.name, kind: 'function' });
            // The start event carries `input: {}`; arguments arrive as input_json_delta.
            const initial = block.input;
            if (initial !== null && typeof initial === 'object' && Object.keys(initial).length > 0) emit({ type: 'tool-call-delta', index, inputDelta: JSON.stringify(initial) });
            return;
          }
          default: {
            const unexpected: never = block;
            blocks.set(event.index, { kind: 'ignored', index: -1 });
            return unexpected;
          }
        }
      }
      case 'content_block_delta': {
        const block = blocks.get(event.index);
        if (block === undefined || block.kind === 'ignored') return;
        const delta = event.delta;
        switch (delta.type) {
          case 'text_delta':
            emit({ type: 'text-delta', index: block.index, text: delta.text });
            return;
          case 'thinking_delta':
            emit({ type: 'reasoning-delta', index: block.index, text: delta.thinking });
            return;
          case 'signature_delta': {
            const signature = decodeThinkingSignature(delta.signature);
            if (signature !== undefined) emit({ type: 'reasoning-signature', index: block.index, signature });
            return;
          }
          case 'input_json_delta':
            if (delta.partial_json.length > 0) emit({ type: 'tool-call-delta', index: block.index, inputDelta: delta.partial_json });
            return;
          case 'citations_delta':
            return;
          default: {
            const unexpected: never = delta;
            return unexpected;
          }
        }
      }
      case 'content_block_stop': {
        const block = blocks.get(event.index);
        if (block === undefined || block.kind === 'ignored') return;
        blocks.delete(event.index);
        emit({ type: block.kind === 'text' ? 'text-end' : block.kind === 'reasoning' ? 'reasoning-end' : 'tool-call-end', index: block.index });
        return;
      }
      case 'message_delta':
        finishReason = decodeAnthropicStopReason(event.delta.stop_reason, event.delta.stop_sequence);
        if (event.usage !== undefined) mergeUsage(event.usage);
        return;
      case 'message_stop': {
        done = true;
        const part: StreamPart = { type: 'finish', finishReason: finishReason ?? { unified: 'other' } };
        if (usage !== undefined) part.usage = usage;
        emit(part);
        return;
      }
      case 'ping':
        return;
      case 'error':
        fail(toAnthropicErrorType(event.error?.type, undefined), event.error?.message ?? 'upstream stream error');
        return;
      default: {
        // Event types newer than this code are skipped, as Anthropic's versioning policy asks.
        const unexpected: never = event;
        return unexpected;
      }
    }
  };

  const open = (wireIndex: number, kind: BlockKind): number => {
    const index = nextIndex++;
    blocks.set(wireIndex, { kind, index });
    return index;
  };

  return {
    push(event: SseEvent) {
      if (done) return;
      const parsed = parseEventObject(event.data);
      if (parsed === undefined) return fail('api_error', 'the upstream stream sent an event that is not a JSON object', 'SB_UPSTREAM_STREAM_BROKEN');
      handle(parsed as unknown as AnthropicStreamEvent);
    },
    end() {
      if (done) return;
      fail('api_error', 'the upstream stream ended before message_stop', 'SB_UPSTREAM_STREAM_BROKEN');
    },
  };
}

/** Anthropic's own input_tokens (without cache) recovered from a canonical usage. */
function inputOnly(usage: Usage | undefined): number {
  if (usage === undefined) return 0;
  return usage.inputTokens - (usage.cacheReadTokens ?? 0) - (usage.cacheWriteTokens ?? 0);
}

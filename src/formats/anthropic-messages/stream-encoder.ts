import { approximateInputTokens } from '../../canonical/approximate-input-tokens.js';
import type { EncodeContext, StreamEncoder } from '../../canonical/codec.js';
import type { StreamPart } from '../../canonical/stream.js';
import type { ReasoningPart, Usage } from '../../canonical/types.js';
import { formatSseEvent } from '../../sse/format-sse-event.js';
import { toAnthropicErrorType } from '../shared/error-types.js';
import { generateId } from '../shared/generate-id.js';
import { customInputJsonClosing, customInputJsonOpening, escapeJsonStringFragment } from '../shared/tool-input.js';
import { encodeAnthropicStopReason } from './map-finish-reason.js';
import { encodeAnthropicUsage } from './map-usage.js';
import { encodeThinkingSignature } from '../shared/reasoning-signature.js';

type BlockPart = Exclude<StreamPart, { type: 'response-start' | 'usage' | 'finish' | 'error' }>;

interface Block {
  kind: 'text' | 'reasoning' | 'tool-call';
  /** Parts that arrived while another block was open on the wire. */
  pending: BlockPart[];
  ended: boolean;
  redacted: boolean;
  custom: boolean;
  signed: boolean;
}

/**
 * Writes canonical parts as an Anthropic Messages event stream. Anthropic
 * allows one open content block at a time; canonical streams may interleave
 * blocks (Chat servers that stream two tool calls at once), so parts of a
 * block that is not the open one wait in its queue until every block started
 * before it has closed.
 */
export function createAnthropicStreamEncoder(context: EncodeContext, emit: (frame: string) => void): StreamEncoder {
  const blocks = new Map<number, Block>();
  /** Canonical indexes in start order, head = the block open on the wire. */
  const order: number[] = [];
  let wireIndex = 0;
  let started = false;
  let done = false;
  let usage: Partial<Usage> | undefined;
  let sawToolCall = false;

  const send = (event: string, payload: unknown): void => emit(formatSseEvent(JSON.stringify(payload), event));

  /**
   * Anthropic reports the input tokens in `message_start` and again in the final
   * `message_delta`; Chat and Responses providers (and the mock) tell them only at
   * the end, if at all. Without a count of its own, each event carries the estimate
   * instead of 0, and the provider's count replaces it as soon as it is known.
   */
  let estimate: number | undefined;
  const withInputTokens = (known: Partial<Usage> | undefined): Partial<Usage> => {
    if (known?.inputTokens !== undefined) return known;
    estimate ??= approximateInputTokens(context.request);
    return { ...known, inputTokens: estimate };
  };

  const start = (id: string | undefined, startUsage: Partial<Usage> | undefined): void => {
    started = true;
    send('message_start', {
      type: 'message_start',
      message: {
        id: id !== undefined && id.length > 0 ? id : generateId('msg_'),
        type: 'message',
        role: 'assistant',
        model: context.clientModel,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: encodeAnthropicUsage(withInputTokens(startUsage)),
      },
    });
  };

  const write = (block: Block, part: BlockPart): void => {
    const index = wireIndex;
    switch (part.type) {
      case 'text-start':
        send('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
        return;
      case 'reasoning-start':
        block.redacted = part.redacted !== undefined;
        send('content_block_start', {
          type: 'content_block_start',
          index,
          content_block: part.redacted !== undefined ? { type: 'redacted_thinking', data: part.redacted } : { type: 'thinking', thinking: '', signature: '' },
        });
        return;
      case 'tool-call-start':
        sawToolCall = true;
        block.custom = part.kind === 'custom';
        send('content_block_start', {
          type: 'content_block_start',
          index,
          content_block: { type: 'tool_use', id: part.id.length > 0 ? part.id : generateId('toolu_'), name: part.name, input: {} },
        });
        if (block.custom) send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: customInputJsonOpening } });
        return;
      case 'text-delta':
      case 'refusal-delta':
        if (part.text.length > 0) send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: part.text } });
        return;
      case 'reasoning-delta':
        if (!block.redacted && part.text.length > 0) send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: part.text } });
        return;
      case 'reasoning-signature':
        if (!block.redacted) writeSignature(block, index, part.signature);
        return;
      case 'tool-call-delta':
        if (part.inputDelta.length === 0) return;
        send('content_block_delta', {
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: block.custom ? escapeJsonStringFragment(part.inputDelta) : part.inputDelta },
        });
        return;
      case 'text-end':
      case 'reasoning-end':
      case 'tool-call-end':
        close(block, index);
        return;
      default: {
        const unexpected: never = part;
        throw new Error(`unknown stream part ${JSON.stringify(unexpected)}`);
      }
    }
  };

  const writeSignature = (block: Block, index: number, signature: ReasoningPart['signature']): void => {
    block.signed = true;
    send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: encodeThinkingSignature(signature) } });
  };

  const close = (block: Block, index: number): void => {
    // Clients keep thinking blocks and send them back; an unsigned one gets the gateway marker (see reasoning-signature.ts).
    if (block.kind === 'reasoning' && !block.redacted && !block.signed) writeSignature(block, index, undefined);
    if (block.custom) send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: customInputJsonClosing } });
    send('content_block_stop', { type: 'content_block_stop', index });
    block.ended = true;
    wireIndex++;
  };

  /** Writes queued parts of the blocks at the head of the order until one is still open. */
  const drain = (): void => {
    while (order.length > 0) {
      const head = blocks.get(order[0]!)!;
      for (const part of head.pending) if (!head.ended) write(head, part);
      head.pending.length = 0;
      if (!head.ended) return;
      order.shift();
    }
  };

  const pushBlockPart = (part: BlockPart): void => {
    let block = blocks.get(part.index);
    if (block === undefined) {
      const kind = blockKind(part);
      block = { kind, pending: [], ended: false, redacted: false, custom: false, signed: false };
      blocks.set(part.index, block);
      order.push(part.index);
      // A delta whose block never started (a refusal) opens a block of its kind.
      if (part.type !== 'text-start' && part.type !== 'reasoning-start' && part.type !== 'tool-call-start') block.pending.push(syntheticStart(kind, part.index));
    }
    if (block.ended) return;
    block.pending.push(part);
    if (order[0] === part.index) drain();
  };

  const finish = (part: Extract<StreamPart, { type: 'finish' }>): void => {
    while (order.length > 0) {
      const head = blocks.get(order[0]!)!;
      for (const pending of head.pending) if (!head.ended) write(head, pending);
      head.pending.length = 0;
      if (!head.ended) close(head, wireIndex);
      order.shift();
    }
    const stop = encodeAnthropicStopReason(part.finishReason, sawToolCall);
    send('message_delta', { type: 'message_delta', delta: { stop_reason: stop.stop_reason, stop_sequence: stop.stop_sequence }, usage: encodeAnthropicUsage(withInputTokens({ ...usage, ...part.usage })) });
    send('message_stop', { type: 'message_stop' });
  };

  return {
    push(part: StreamPart) {
      if (done) return;
      if (part.type === 'error') {
        done = true;
        const type = toAnthropicErrorType(part.error.type, part.error.status);
        send('error', { type: 'error', error: { type, message: part.error.message } });
        return;
      }
      if (part.type === 'response-start') {
        if (part.usage !== undefined) usage = { ...usage, ...part.usage };
        if (!started) start(part.id, usage);
        return;
      }
      if (!started) start(undefined, usage);
      switch (part.type) {
        case 'usage':
          usage = { ...usage, ...part.usage };
          return;
        case 'finish':
          done = true;
          finish(part);
          return;
        default:
          pushBlockPart(part);
      }
    },
  };
}

function blockKind(part: BlockPart): Block['kind'] {
  switch (part.type) {
    case 'tool-call-start':
    case 'tool-call-delta':
    case 'tool-call-end':
      return 'tool-call';
    case 'reasoning-start':
    case 'reasoning-delta':
    case 'reasoning-signature':
    case 'reasoning-end':
      return 'reasoning';
    case 'text-start':
    case 'text-delta':
    case 'text-end':
    case 'refusal-delta':
      return 'text';
    default: {
      const unexpected: never = part;
      throw new Error(`unknown stream part ${JSON.stringify(unexpected)}`);
    }
  }
}

function syntheticStart(kind: Block['kind'], index: number): BlockPart {
  switch (kind) {
    case 'text':
      return { type: 'text-start', index };
    case 'reasoning':
      return { type: 'reasoning-start', index };
    case 'tool-call':
      return { type: 'tool-call-start', index, id: '', name: '', kind: 'function' };
    default: {
      const unexpected: never = kind;
      throw new Error(`unknown block kind ${String(unexpected)}`);
    }
  }
}

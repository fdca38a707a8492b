import type { FinishReason } from '../../canonical/types.js';
import type { AnthropicStopReason } from './wire-types.js';

/** Anthropic `stop_reason` (+ `stop_sequence`) -> canonical finish reason. */
export function decodeAnthropicStopReason(stopReason: string | null | undefined, stopSequence: string | null | undefined): FinishReason {
  const raw = stopReason ?? undefined;
  const reason: FinishReason = { unified: unifiedFor(raw) };
  if (raw !== undefined) reason.raw = raw;
  if (typeof stopSequence === 'string') reason.stopSequence = stopSequence;
  return reason;
}

function unifiedFor(raw: string | undefined): FinishReason['unified'] {
  switch (raw) {
    case 'end_turn':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool-calls';
    case 'stop_sequence':
      return 'stop-sequence';
    case 'refusal':
      return 'refusal';
    case 'pause_turn':
      return 'pause';
    default:
      return 'other';
  }
}

/**
 * Canonical finish reason -> Anthropic `stop_reason` and `stop_sequence`.
 * Some OpenAI-compatible servers finish a tool-calling turn with `stop`;
 * Anthropic clients run tools only on `tool_use`, so a turn that holds tool
 * calls and ended normally says `tool_use`.
 */
export function encodeAnthropicStopReason(reason: FinishReason, hasToolCalls = false): { stop_reason: AnthropicStopReason | null; stop_sequence: string | null } {
  const stopSequence = reason.stopSequence ?? null;
  if (hasToolCalls && (reason.unified === 'stop' || reason.unified === 'other')) return { stop_reason: 'tool_use', stop_sequence: null };
  switch (reason.unified) {
    case 'stop':
      return { stop_reason: reason.raw === 'model_context_window_exceeded' ? 'model_context_window_exceeded' : 'end_turn', stop_sequence: null };
    case 'length':
      return { stop_reason: reason.raw === 'model_context_window_exceeded' ? 'model_context_window_exceeded' : 'max_tokens', stop_sequence: null };
    case 'tool-calls':
      return { stop_reason: 'tool_use', stop_sequence: null };
    case 'stop-sequence':
      // Chat reports a matched stop sequence as plain `stop`; without the sequence, end_turn is the honest answer.
      return stopSequence === null ? { stop_reason: 'end_turn', stop_sequence: null } : { stop_reason: 'stop_sequence', stop_sequence: stopSequence };
    case 'content-filter':
    case 'refusal':
      return { stop_reason: 'refusal', stop_sequence: null };
    case 'pause':
      return { stop_reason: 'pause_turn', stop_sequence: null };
    case 'error':
    case 'other':
      return { stop_reason: 'end_turn', stop_sequence: null };
    case 'incomplete':
      // What Anthropic's own message_start says of a message still being written.
      return { stop_reason: null, stop_sequence: null };
    default: {
      const unexpected: never = reason.unified;
      throw new Error(`unknown finish reason ${String(unexpected)}`);
    }
  }
}

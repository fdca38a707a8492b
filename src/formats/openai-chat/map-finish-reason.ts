import type { FinishReason } from '../../canonical/types.js';
import type { ChatFinishReason } from './wire-types.js';

/** Chat `finish_reason` -> canonical. Chat reports a matched stop sequence as plain `stop`. */
export function decodeChatFinishReason(raw: string | null | undefined): FinishReason {
  switch (raw) {
    case 'stop':
      return { unified: 'stop', raw };
    case 'length':
      return { unified: 'length', raw };
    case 'tool_calls':
    case 'function_call':
      return { unified: 'tool-calls', raw };
    case 'content_filter':
      return { unified: 'content-filter', raw };
    case null:
    case undefined:
      return { unified: 'other' };
    default:
      // Some OpenAI-compatible servers send their own values (`eos`, `insufficient_system_resource`).
      return { unified: 'other', raw };
  }
}

/** Canonical finish reason -> Chat `finish_reason`. A turn that holds tool calls and ended normally says `tool_calls`. */
export function encodeChatFinishReason(reason: FinishReason, hasToolCalls = false): ChatFinishReason | null {
  switch (reason.unified) {
    case 'stop':
    case 'stop-sequence':
    case 'pause':
    case 'error':
    case 'other':
      return hasToolCalls ? 'tool_calls' : 'stop';
    case 'length':
      return 'length';
    case 'tool-calls':
      return 'tool_calls';
    case 'content-filter':
    case 'refusal':
      return 'content_filter';
    case 'incomplete':
      // As in every chunk before the last: the choice has not finished.
      return null;
    default: {
      const unexpected: never = reason.unified;
      throw new Error(`unknown finish reason ${String(unexpected)}`);
    }
  }
}

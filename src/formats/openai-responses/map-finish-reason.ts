import type { FinishReason } from '../../canonical/types.js';
import type { ResponsesResponse, ResponsesStatus } from './wire-types.js';

/**
 * A finished response's status (+ `incomplete_details.reason`) -> canonical
 * finish reason. The Responses API has no `tool_calls` status: a completed
 * response whose output holds a call is `tool-calls`.
 */
export function decodeResponsesFinishReason(status: ResponsesStatus | undefined, incompleteReason: string | undefined, hasToolCalls: boolean): FinishReason {
  if (status === 'incomplete') {
    const raw = `incomplete:${incompleteReason ?? 'unknown'}`;
    if (incompleteReason === 'max_output_tokens') return { unified: 'length', raw };
    if (incompleteReason === 'content_filter') return { unified: 'content-filter', raw };
    return { unified: 'other', raw };
  }
  const raw = status ?? 'completed';
  if (status === 'failed' || status === 'cancelled') return { unified: 'error', raw };
  return { unified: hasToolCalls ? 'tool-calls' : 'stop', raw };
}

/** Canonical finish reason -> the response's status and `incomplete_details`. */
export function encodeResponsesFinishReason(reason: FinishReason): { status: 'completed' | 'incomplete' | 'failed'; incomplete_details: ResponsesResponse['incomplete_details'] } {
  switch (reason.unified) {
    case 'length':
      return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
    case 'content-filter':
      return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
    case 'error':
      return { status: 'failed', incomplete_details: null };
    case 'incomplete':
      return { status: 'incomplete', incomplete_details: null };
    case 'stop':
    case 'tool-calls':
    case 'stop-sequence':
    case 'refusal':
    case 'pause':
    case 'other':
      return { status: 'completed', incomplete_details: null };
    default: {
      const unexpected: never = reason.unified;
      throw new Error(`unknown finish reason ${String(unexpected)}`);
    }
  }
}

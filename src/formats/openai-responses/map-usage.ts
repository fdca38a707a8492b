import type { Usage } from '../../canonical/types.js';
import type { ResponsesUsage } from './wire-types.js';

/** Responses usage -> canonical. Both count cached tokens inside `input_tokens` and reasoning inside `output_tokens`. */
export function decodeResponsesUsage(usage: ResponsesUsage): Usage {
  const result: Usage = { inputTokens: usage.input_tokens ?? 0, outputTokens: usage.output_tokens ?? 0 };
  const cached = usage.input_tokens_details?.cached_tokens;
  if (typeof cached === 'number') result.cacheReadTokens = cached;
  const reasoning = usage.output_tokens_details?.reasoning_tokens;
  if (typeof reasoning === 'number') result.reasoningTokens = reasoning;
  return result;
}

/**
 * Canonical usage -> Responses usage. Every field is written (unknown counts
 * as 0): Codex and the openai SDK read the details objects without checking.
 * Cache writes have no Responses field; they are part of `input_tokens`.
 */
export function encodeResponsesUsage(usage: Partial<Usage> | undefined): Required<ResponsesUsage> {
  const input = usage?.inputTokens ?? 0;
  const output = usage?.outputTokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage?.cacheReadTokens ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: usage?.reasoningTokens ?? 0 },
    total_tokens: input + output,
  };
}

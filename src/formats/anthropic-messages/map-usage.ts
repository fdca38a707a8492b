import type { Usage } from '../../canonical/types.js';
import type { AnthropicMessageDeltaUsage, AnthropicUsage } from './wire-types.js';

/**
 * Anthropic usage -> canonical. Anthropic's `input_tokens` excludes cache
 * reads and writes; canonical `inputTokens` is every prompt token.
 */
export function decodeAnthropicUsage(usage: Partial<AnthropicMessageDeltaUsage> | AnthropicUsage): Usage {
  const cacheRead = usage.cache_read_input_tokens ?? undefined;
  const cacheWrite = usage.cache_creation_input_tokens ?? undefined;
  const result: Usage = {
    inputTokens: (usage.input_tokens ?? 0) + (cacheRead ?? 0) + (cacheWrite ?? 0),
    outputTokens: usage.output_tokens ?? 0,
  };
  if (cacheRead !== undefined) result.cacheReadTokens = cacheRead;
  if (cacheWrite !== undefined) result.cacheWriteTokens = cacheWrite;
  // 1-hour cache writes cost more than 5-minute ones; only this breakdown tells them apart.
  const cacheWrite1h = (usage as AnthropicUsage).cache_creation?.ephemeral_1h_input_tokens;
  if (typeof cacheWrite1h === 'number' && cacheWrite1h > 0) result.cacheWrite1hTokens = cacheWrite1h;
  return result;
}

/** The four Anthropic token counts of a canonical usage; unknown cache counts are written as 0, never guessed. */
export function encodeAnthropicUsage(usage: Partial<Usage> | undefined): {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  output_tokens: number;
} {
  const cacheRead = usage?.cacheReadTokens ?? 0;
  const cacheWrite = usage?.cacheWriteTokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage?.inputTokens ?? 0) - cacheRead - cacheWrite),
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
    output_tokens: usage?.outputTokens ?? 0,
  };
}

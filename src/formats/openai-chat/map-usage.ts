import type { Usage } from '../../canonical/types.js';
import type { ChatUsage } from './wire-types.js';

/** Chat usage -> canonical. `prompt_tokens` already counts cached tokens; `completion_tokens` already counts reasoning tokens. */
export function decodeChatUsage(usage: ChatUsage): Usage {
  const result: Usage = { inputTokens: usage.prompt_tokens ?? 0, outputTokens: usage.completion_tokens ?? 0 };
  const cached = usage.prompt_tokens_details?.cached_tokens ?? usage.prompt_cache_hit_tokens;
  if (typeof cached === 'number') result.cacheReadTokens = cached;
  const reasoning = usage.completion_tokens_details?.reasoning_tokens;
  if (typeof reasoning === 'number') result.reasoningTokens = reasoning;
  return result;
}

/**
 * Canonical usage -> Chat usage. Cache writes have no Chat field (they stay
 * inside prompt_tokens). `original` is a Chat upstream's own usage object,
 * whose extra fields are kept.
 */
export function encodeChatUsage(usage: Usage, original?: Record<string, unknown>): ChatUsage {
  const originalPrompt = original?.prompt_tokens_details as Record<string, unknown> | null | undefined;
  const originalCompletion = original?.completion_tokens_details as Record<string, unknown> | null | undefined;
  const result: ChatUsage = {
    ...original,
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
  if (usage.cacheReadTokens !== undefined || originalPrompt) result.prompt_tokens_details = { ...originalPrompt, cached_tokens: usage.cacheReadTokens ?? 0 };
  if (usage.reasoningTokens !== undefined || originalCompletion) result.completion_tokens_details = { ...originalCompletion, reasoning_tokens: usage.reasoningTokens ?? 0 };
  return result;
}

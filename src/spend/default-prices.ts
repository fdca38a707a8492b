import type { ModelPrice } from '../config/types.js';

/**
 * The built-in price table: list prices in US dollars per million tokens of
 * the models coding agents use most, matched by model name whatever the
 * provider entry is called (`*\/claude-sonnet-4-5`, dated snapshots too).
 *
 * Source: the vendors' public pricing pages as published on 2025-11-24
 * (Anthropic, including Claude Opus 4.5 announced that day), OpenAI's as of
 * 2025-11 and DeepSeek's from its 2025-09-29 V3.2 price change. They were
 * written down from those pages, not fetched at run time: prices change, so
 * `pricing.models` in gateway.yaml overrides any entry here, and a deployment
 * that bills people should pin its own table there. Not modelled: Anthropic's
 * long-context surcharge (Sonnet prompts over 200k tokens), batch and flex
 * discounts, DeepSeek's former off-peak discount.
 *
 * Order matters only among entries that match the same name: more specific
 * names come first (`gpt-5-mini` before `gpt-5`).
 */
export const defaultPrices: readonly ModelPrice[] = [
  // Anthropic: cache reads 0.1x input, 5-minute writes 1.25x, 1-hour writes 2x.
  anthropic('claude-opus-4-5', 5, 25),
  anthropic('claude-opus-4(-1|-0)?', 15, 75),
  anthropic('claude-3-opus', 15, 75),
  anthropic('claude-sonnet-4-5', 3, 15),
  anthropic('claude-sonnet-4(-0)?', 3, 15),
  anthropic('claude-3-7-sonnet', 3, 15),
  anthropic('claude-3-5-sonnet', 3, 15),
  anthropic('claude-haiku-4-5', 1, 5),
  anthropic('claude-3-5-haiku', 0.8, 4),
  anthropic('claude-3-haiku', 0.25, 1.25),
  // OpenAI: cached input is billed at the cache-read price; writes are free; reasoning is output.
  openai('gpt-5(\\.1)?-codex-mini', 0.25, 0.025, 2),
  openai('gpt-5(\\.1)?-mini', 0.25, 0.025, 2),
  openai('gpt-5-nano', 0.05, 0.005, 0.4),
  openai('gpt-5(\\.1)?(-codex|-chat-latest)?', 1.25, 0.125, 10),
  openai('gpt-4\\.1-mini', 0.4, 0.1, 1.6),
  openai('gpt-4\\.1-nano', 0.1, 0.025, 0.4),
  openai('gpt-4\\.1', 2, 0.5, 8),
  openai('gpt-4o-mini', 0.15, 0.075, 0.6),
  openai('gpt-4o', 2.5, 1.25, 10),
  openai('o4-mini', 1.1, 0.275, 4.4),
  openai('o3-mini', 1.1, 0.55, 4.4),
  openai('o3', 2, 0.5, 8),
  // DeepSeek V3.2 (both names): cache hits 0.028, misses 0.28, output 0.42.
  openai('deepseek-(chat|reasoner)', 0.28, 0.028, 0.42),
];

/** Anthropic model names also come as dated snapshots (`claude-sonnet-4-5-20250929`) and with a `-latest` suffix. */
function anthropic(name: string, input: number, output: number): ModelPrice {
  return {
    target_regex: `(^|/)${name}(-\\d{8}|-latest)?$`,
    input,
    output,
    cache_read: round(input * 0.1),
    cache_write_5m: round(input * 1.25),
    cache_write_1h: input * 2,
  };
}

/** OpenAI and DeepSeek names, with OpenAI's dated snapshots (`gpt-4o-2024-08-06`). */
function openai(name: string, input: number, cacheRead: number, output: number): ModelPrice {
  return { target_regex: `(^|/)${name}(-\\d{4}-\\d{2}-\\d{2})?$`, input, output, cache_read: cacheRead, cache_write_5m: input };
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

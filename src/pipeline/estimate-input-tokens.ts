import { requestText, tokensPerImage, tokensPerMessage } from '../canonical/request-text.js';
import type { CanonicalRequest } from '../canonical/types.js';

/**
 * Estimates the input tokens of a request for providers that have no
 * count-tokens endpoint, with OpenAI's o200k tokenizer. It is an estimate:
 * other vendors' tokenizers differ by a few percent, and images count as a
 * flat 1,000 tokens each. The tokenizer's tables are loaded on first use only.
 */
export async function estimateInputTokens(request: CanonicalRequest): Promise<number> {
  const { countTokens } = await import('gpt-tokenizer/encoding/o200k_base');
  const { texts, images } = requestText(request);
  return countTokens(texts.join('\n')) + images * tokensPerImage + request.messages.length * tokensPerMessage;
}

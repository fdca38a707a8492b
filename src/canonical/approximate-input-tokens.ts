import { requestText, tokensPerImage, tokensPerMessage } from './request-text.js';
import type { CanonicalRequest } from './types.js';

/**
 * Characters per token as the o200k tokenizer (count_tokens' estimate) counts
 * the text of the recorded client requests in test/fixtures/real-clients:
 * 4.4 to 4.5 for Claude Code's, 4.7 for Codex's.
 */
const charactersPerToken = 4.4;

/**
 * A quick input-token estimate from the length of the request's text, for the
 * stream's first event: Anthropic clients read `input_tokens` in
 * `message_start`, but Chat and Responses providers report usage only at the
 * end. The tokenizer behind count_tokens costs about 100 ms of CPU for one
 * 50 KB Claude Code request, too much for every streamed request; this costs
 * one pass over the text.
 */
export function approximateInputTokens(request: CanonicalRequest): number {
  const { texts, images } = requestText(request);
  let characters = 0;
  for (const text of texts) characters += text.length + 1;
  return Math.ceil(characters / charactersPerToken) + images * tokensPerImage + request.messages.length * tokensPerMessage;
}

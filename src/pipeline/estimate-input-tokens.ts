import type { CanonicalRequest } from '../canonical/types.js';

/**
 * Estimates the input tokens of a request for providers that have no
 * count-tokens endpoint, with OpenAI's o200k tokenizer. It is an estimate:
 * other vendors' tokenizers differ by a few percent, and images count as a
 * flat 1,000 tokens each. The tokenizer's tables are loaded on first use only.
 */
export async function estimateInputTokens(request: CanonicalRequest): Promise<number> {
  const { countTokens } = await import('gpt-tokenizer/encoding/o200k_base');
  const texts: string[] = [];
  let images = 0;
  for (const part of request.system) texts.push(part.text);
  for (const message of request.messages) {
    for (const part of message.content) {
      switch (part.type) {
        case 'text':
        case 'reasoning':
        case 'refusal':
          texts.push(part.text);
          break;
        case 'tool-call':
          texts.push(part.name, part.input);
          break;
        case 'tool-result':
          for (const inner of part.content) {
            if (inner.type === 'text') texts.push(inner.text);
            else images++;
          }
          break;
        case 'image':
          images++;
          break;
        case 'document':
          if (part.source.kind === 'text') texts.push(part.source.data);
          else images++;
          break;
        default: {
          const unreachable: never = part;
          throw new Error(`unknown content part ${JSON.stringify(unreachable)}`);
        }
      }
    }
  }
  for (const tool of request.tools) texts.push(JSON.stringify(tool));
  // A few tokens of framing per message, as the vendors' own counts show.
  return countTokens(texts.join('\n')) + images * 1000 + request.messages.length * 3;
}

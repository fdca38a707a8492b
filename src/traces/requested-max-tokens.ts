import type { WireFormat } from '../canonical/types.js';

/**
 * The output token limit a client asked for, read from the body it sent
 * (before any provider cap): Anthropic's `max_tokens`, Chat Completions'
 * `max_completion_tokens` (or the older `max_tokens`), Responses'
 * `max_output_tokens`. Undefined when the body names none.
 */
export function requestedMaxTokens(format: WireFormat, body: Record<string, unknown>): number | undefined {
  switch (format) {
    case 'anthropic':
      return whole(body.max_tokens);
    case 'openai-chat':
      return whole(body.max_completion_tokens) ?? whole(body.max_tokens);
    case 'openai-responses':
      return whole(body.max_output_tokens);
    default: {
      const unhandled: never = format;
      return unhandled;
    }
  }
}

function whole(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

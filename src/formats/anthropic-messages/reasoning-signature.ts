import type { ReasoningPart, WireFormat } from '../../canonical/types.js';

/**
 * Reasoning from a non-Anthropic upstream (DeepSeek `reasoning_content`,
 * Responses `encrypted_content`) is shown to Anthropic clients as a thinking
 * block, and Claude Code sends thinking blocks back verbatim next turn. Its
 * signature is therefore a gateway marker, `sb:<format>:<value>`: reading it
 * back tells the gateway the block is not Anthropic's (so it is never sent to
 * Anthropic, which would reject the signature) and restores the original
 * format's own proof (so a Responses upstream gets its encrypted content
 * back). Real Anthropic signatures are base64 and never contain `:`.
 */
const markerPrefix = 'sb:';
const noSignature = 'none';

/** The `signature` value to write on an Anthropic thinking block for a canonical reasoning signature. */
export function encodeThinkingSignature(signature: ReasoningPart['signature']): string {
  if (signature === undefined) return `${markerPrefix}${noSignature}:`;
  if (signature.format === 'anthropic') return signature.value;
  return `${markerPrefix}${signature.format}:${signature.value}`;
}

/** An Anthropic thinking block's `signature` -> canonical signature (undefined for a gateway marker that carried none). */
export function decodeThinkingSignature(value: string): ReasoningPart['signature'] {
  if (!value.startsWith(markerPrefix)) return { format: 'anthropic', value };
  const end = value.indexOf(':', markerPrefix.length);
  if (end === -1) return { format: 'anthropic', value };
  const format = value.slice(markerPrefix.length, end);
  if (format === noSignature) return undefined;
  if (format === 'openai-chat' || format === 'openai-responses') return { format: format satisfies WireFormat, value: value.slice(end + 1) };
  return { format: 'anthropic', value };
}

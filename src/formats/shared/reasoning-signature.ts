import type { ReasoningPart, WireFormat } from '../../canonical/types.js';

/**
 * Clients send reasoning back verbatim next turn: Claude Code its thinking
 * blocks with their `signature`, Codex its reasoning items with their
 * `encrypted_content`. When the reasoning came from another family's
 * provider, the client still needs an opaque value to carry, so the gateway
 * writes a marker, `sb:<format>:<value>`. Reading it back tells the gateway
 * which family issued the reasoning (so it is sent back only there and
 * dropped when the route changes) and restores that family's own proof.
 * Real Anthropic signatures and OpenAI encrypted content are base64 and never
 * contain `:`.
 */
const markerPrefix = 'sb:';
const noSignature = 'none';
const formats: ReadonlySet<string> = new Set<WireFormat>(['anthropic', 'openai-chat', 'openai-responses']);

/** The opaque value to give a client of `clientFormat` for a canonical signature (`sb:none:` when there is none). */
export function encodeClientSignature(signature: ReasoningPart['signature'], clientFormat: WireFormat): string {
  if (signature === undefined) return `${markerPrefix}${noSignature}:`;
  if (signature.format === clientFormat) return signature.value;
  return `${markerPrefix}${signature.format}:${signature.value}`;
}

/** A value a client of `clientFormat` sent back -> canonical signature (undefined for a marker that carried none). */
export function decodeClientSignature(value: string, clientFormat: WireFormat): ReasoningPart['signature'] {
  if (!value.startsWith(markerPrefix)) return { format: clientFormat, value };
  const end = value.indexOf(':', markerPrefix.length);
  if (end === -1) return { format: clientFormat, value };
  const format = value.slice(markerPrefix.length, end);
  if (format === noSignature) return undefined;
  if (formats.has(format)) return { format: format as WireFormat, value: value.slice(end + 1) };
  return { format: clientFormat, value };
}

/** Anthropic thinking blocks: the signature written for a canonical one. */
export function encodeThinkingSignature(signature: ReasoningPart['signature']): string {
  return encodeClientSignature(signature, 'anthropic');
}

/** Anthropic thinking blocks: a `signature` read back. */
export function decodeThinkingSignature(value: string): ReasoningPart['signature'] {
  return decodeClientSignature(value, 'anthropic');
}

/**
 * True when a passthrough request body carries a gateway marker: its history
 * came through another family's provider, and the provider of this family
 * would reject the marker. Such requests go through the codec, which drops
 * what the provider cannot take. A substring test on the raw body: inside a
 * JSON string the quotes would be escaped, so message text cannot match.
 */
export function carriesForeignReasoning(rawBody: string, format: WireFormat): boolean {
  switch (format) {
    case 'anthropic':
      return rawBody.includes('"signature":"sb:') || rawBody.includes('"signature": "sb:');
    case 'openai-responses':
      return rawBody.includes('"encrypted_content":"sb:') || rawBody.includes('"encrypted_content": "sb:');
    case 'openai-chat':
      // Chat has no signed reasoning; reasoning_content is plain text.
      return false;
    default: {
      const unreachable: never = format;
      throw new Error(`unknown format ${String(unreachable)}`);
    }
  }
}

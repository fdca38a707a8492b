import type { EncodeContext } from '../../canonical/codec.js';
import type { AssistantPart, CanonicalResponse } from '../../canonical/types.js';
import { generateId } from '../shared/generate-id.js';
import { parseJsonObject } from '../shared/tool-input.js';
import { encodeAnthropicStopReason } from './map-finish-reason.js';
import { encodeAnthropicUsage } from './map-usage.js';
import type { AnthropicResponseData } from './provider-data.js';
import { encodeThinkingSignature } from '../shared/reasoning-signature.js';
import type { AnthropicResponseBlock } from './wire-types.js';

/** Writes a canonical response as an Anthropic Messages response carrying the client's model name. */
export function encodeAnthropicResponse(response: CanonicalResponse, context: EncodeContext): Record<string, unknown> {
  const data = response.providerData?.anthropic as AnthropicResponseData | undefined;
  const content: AnthropicResponseBlock[] = [];
  for (const part of response.content) {
    const block = encodeResponseBlock(part);
    if (block !== undefined) content.push(block);
  }
  const stop = encodeAnthropicStopReason(
    response.finishReason,
    content.some((block) => block.type === 'tool_use'),
  );
  return {
    id: response.id.length > 0 ? response.id : generateId('msg_'),
    type: 'message',
    role: 'assistant',
    model: context.clientModel,
    content,
    stop_reason: stop.stop_reason,
    stop_sequence: stop.stop_sequence,
    usage: { ...data?.usageExtra, ...encodeAnthropicUsage(response.usage) },
    ...data?.extra,
  };
}

function encodeResponseBlock(part: AssistantPart): AnthropicResponseBlock | undefined {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text, ...part.providerData?.anthropic };
    case 'reasoning':
      if (part.redacted !== undefined) return { type: 'redacted_thinking', data: part.redacted };
      return { type: 'thinking', thinking: part.text, signature: encodeThinkingSignature(part.signature) };
    case 'tool-call':
      return {
        type: 'tool_use',
        id: part.id.length > 0 ? part.id : generateId('toolu_'),
        name: part.name,
        input: part.kind === 'custom' ? { input: part.input } : (parseJsonObject(part.input) ?? {}),
      };
    case 'refusal':
      // Anthropic signals a refusal by stop_reason; the text, if any, is an ordinary text block.
      return part.text.length === 0 ? undefined : { type: 'text', text: part.text };
    default: {
      const unexpected: never = part;
      throw new Error(`unknown assistant part ${JSON.stringify(unexpected)}`);
    }
  }
}

import type { AssistantPart, CanonicalResponse } from '../../canonical/types.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { isRecord } from '../shared/tool-input.js';
import { collectUnknownFields } from '../shared/unknown-fields.js';
import { decodeAnthropicStopReason } from './map-finish-reason.js';
import { decodeAnthropicUsage } from './map-usage.js';
import type { AnthropicResponseData } from './provider-data.js';
import { decodeThinkingSignature } from '../shared/reasoning-signature.js';
import { isServerToolBlock, type AnthropicResponseBlock, type AnthropicUsage } from './wire-types.js';

const knownResponseFields = new Set(['id', 'type', 'role', 'model', 'content', 'stop_reason', 'stop_sequence', 'usage']);
const knownUsageFields = new Set(['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens']);
const knownTextFields = new Set(['type', 'text']);

/** Reads a non-streaming Anthropic Messages response. Throws SB_UPSTREAM_BAD_RESPONSE on a body that is not one. */
export function decodeAnthropicResponse(body: unknown): CanonicalResponse {
  if (!isRecord(body) || body.type !== 'message' || !Array.isArray(body.content)) {
    throw new GatewayError('SB_UPSTREAM_BAD_RESPONSE', 'the upstream response is not an Anthropic message');
  }
  const content: AssistantPart[] = [];
  for (const block of body.content as AnthropicResponseBlock[]) {
    const part = decodeResponseBlock(block);
    if (part !== undefined) content.push(part);
  }
  const response: CanonicalResponse = {
    id: typeof body.id === 'string' ? body.id : '',
    model: typeof body.model === 'string' ? body.model : '',
    content,
    finishReason: decodeAnthropicStopReason(body.stop_reason as string | null, body.stop_sequence as string | null),
  };
  const data: AnthropicResponseData = {};
  if (isRecord(body.usage)) {
    response.usage = decodeAnthropicUsage(body.usage as AnthropicUsage);
    const usageExtra = collectUnknownFields(body.usage, knownUsageFields);
    if (usageExtra !== undefined) data.usageExtra = usageExtra;
  }
  const extra = collectUnknownFields(body, knownResponseFields);
  if (extra !== undefined) data.extra = extra;
  if (Object.keys(data).length > 0) response.providerData = { anthropic: data as Record<string, unknown> };
  return response;
}

function decodeResponseBlock(block: AnthropicResponseBlock): AssistantPart | undefined {
  if (isServerToolBlock(block)) return undefined;
  switch (block.type) {
    case 'text': {
      const rest = collectUnknownFields(block as unknown as Record<string, unknown>, knownTextFields);
      return rest === undefined ? { type: 'text', text: block.text } : { type: 'text', text: block.text, providerData: { anthropic: rest } };
    }
    case 'thinking': {
      const signature = decodeThinkingSignature(block.signature);
      return signature === undefined ? { type: 'reasoning', text: block.thinking } : { type: 'reasoning', text: block.thinking, signature };
    }
    case 'redacted_thinking':
      return { type: 'reasoning', text: '', redacted: block.data };
    case 'tool_use':
      return { type: 'tool-call', id: block.id, name: block.name, kind: 'function', input: JSON.stringify(block.input ?? {}) };
    default: {
      const unexpected: never = block;
      return unexpected;
    }
  }
}

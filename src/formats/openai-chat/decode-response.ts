import type { AssistantPart, CanonicalResponse } from '../../canonical/types.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { isRecord } from '../shared/tool-input.js';
import { decodeChatFinishReason } from './map-finish-reason.js';
import { decodeChatUsage } from './map-usage.js';
import type { ChatResponseData } from './provider-data.js';
import type { ChatResponseMessage, ChatUsage } from './wire-types.js';

/** Reads a non-streaming Chat Completions response (its first choice). Throws SB_UPSTREAM_BAD_RESPONSE on a body that is not one. */
export function decodeChatResponse(body: unknown): CanonicalResponse {
  if (!isRecord(body) || !Array.isArray(body.choices)) throw new GatewayError('SB_UPSTREAM_BAD_RESPONSE', 'the upstream response is not a chat completion');
  const choice: unknown = body.choices[0];
  if (!isRecord(choice) || !isRecord(choice.message)) throw new GatewayError('SB_UPSTREAM_BAD_RESPONSE', 'the upstream chat completion has no message');
  const response: CanonicalResponse = {
    id: typeof body.id === 'string' ? body.id : '',
    model: typeof body.model === 'string' ? body.model : '',
    content: decodeChatMessageContent(choice.message as ChatResponseMessage),
    finishReason: decodeChatFinishReason(choice.finish_reason as string | null),
  };
  const data: ChatResponseData = {};
  if (typeof body.created === 'number') data.created = body.created;
  if (typeof body.system_fingerprint === 'string') data.systemFingerprint = body.system_fingerprint;
  if (body.service_tier !== undefined) data.serviceTier = body.service_tier;
  if (isRecord(body.usage)) {
    response.usage = decodeChatUsage(body.usage as ChatUsage);
    data.usage = body.usage;
  }
  response.providerData = { 'openai-chat': data as Record<string, unknown> };
  return response;
}

/** An assistant message's parts in the order they were produced: reasoning, text, refusal, tool calls. */
function decodeChatMessageContent(message: ChatResponseMessage): AssistantPart[] {
  const parts: AssistantPart[] = [];
  const reasoning = message.reasoning_content ?? message.reasoning;
  if (typeof reasoning === 'string' && reasoning.length > 0) parts.push({ type: 'reasoning', text: reasoning });
  if (typeof message.content === 'string' && message.content.length > 0) parts.push({ type: 'text', text: message.content });
  if (typeof message.refusal === 'string' && message.refusal.length > 0) parts.push({ type: 'refusal', text: message.refusal });
  for (const call of message.tool_calls ?? []) {
    if (call.type === 'custom') parts.push({ type: 'tool-call', id: call.id, name: call.custom.name, kind: 'custom', input: call.custom.input });
    else parts.push({ type: 'tool-call', id: call.id, name: call.function.name, kind: 'function', input: call.function.arguments });
  }
  return parts;
}

import type { EncodeContext } from '../../canonical/codec.js';
import type { CanonicalResponse } from '../../canonical/types.js';
import { generateId } from '../shared/generate-id.js';
import { wrapCustomToolInput } from '../shared/tool-input.js';
import { encodeChatFinishReason } from './map-finish-reason.js';
import { encodeChatUsage } from './map-usage.js';
import type { ChatResponseData } from './provider-data.js';
import type { ChatCompletion, ChatResponseMessage, ChatToolCall } from './wire-types.js';

/**
 * Writes a canonical response as a chat completion carrying the client's
 * model name. Reasoning goes out as `reasoning_content` (DeepSeek's field);
 * several text blocks are joined, since a Chat message has one content string.
 */
export function encodeChatResponse(response: CanonicalResponse, context: EncodeContext): Record<string, unknown> {
  const data = response.providerData?.['openai-chat'] as ChatResponseData | undefined;
  let text: string | null = null;
  let refusal: string | null = null;
  let reasoning: string | undefined;
  const toolCalls: ChatToolCall[] = [];
  for (const part of response.content) {
    switch (part.type) {
      case 'text':
        text = (text ?? '') + part.text;
        break;
      case 'refusal':
        refusal = (refusal ?? '') + part.text;
        break;
      case 'reasoning':
        if (part.redacted === undefined) reasoning = (reasoning ?? '') + part.text;
        break;
      case 'tool-call':
        toolCalls.push({
          id: part.id.length > 0 ? part.id : generateId('call_'),
          type: 'function',
          function: { name: part.name, arguments: part.kind === 'custom' ? wrapCustomToolInput(part.input) : part.input },
        });
        break;
      default: {
        const unexpected: never = part;
        throw new Error(`unknown assistant part ${JSON.stringify(unexpected)}`);
      }
    }
  }
  const message: ChatResponseMessage = { role: 'assistant', content: text, refusal };
  if (reasoning !== undefined) message.reasoning_content = reasoning;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  const completion: ChatCompletion = {
    id: response.id.length > 0 ? response.id : generateId('chatcmpl-'),
    object: 'chat.completion',
    created: data?.created ?? Math.floor(Date.now() / 1000),
    model: context.clientModel,
    choices: [{ index: 0, message, logprobs: null, finish_reason: encodeChatFinishReason(response.finishReason, toolCalls.length > 0) }],
  };
  if (response.usage !== undefined) completion.usage = encodeChatUsage(response.usage, data?.usage);
  if (data?.serviceTier !== undefined) completion.service_tier = data.serviceTier;
  if (data?.systemFingerprint !== undefined) completion.system_fingerprint = data.systemFingerprint;
  return completion;
}

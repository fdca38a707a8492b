import type { AssistantPart, CanonicalResponse, ReasoningPart, ToolCallPart } from '../../canonical/types.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { decodeClientSignature } from '../shared/reasoning-signature.js';
import { isRecord } from '../shared/tool-input.js';
import { decodeResponsesFinishReason } from './map-finish-reason.js';
import { decodeResponsesUsage } from './map-usage.js';
import { canonicalCallName } from './namespace-tools.js';
import { partDataField, type ResponsesItemData, type ResponsesPartData } from './provider-data.js';
import type {
  ResponsesCustomToolCallItem,
  ResponsesFunctionCallItem,
  ResponsesMessageItem,
  ResponsesOutputItem,
  ResponsesReasoningItem,
  ResponsesResponse,
} from './wire-types.js';
import { isHostedItem } from './wire-types.js';

/**
 * Reads a non-streaming Responses body into the canonical response. Items of
 * hosted tools (web_search_call…) ran at OpenAI and have no canonical form;
 * they are left out.
 */
export function decodeResponsesResponse(body: unknown): CanonicalResponse {
  if (!isRecord(body) || typeof body.id !== 'string' || !Array.isArray(body.output)) {
    throw new GatewayError('SB_UPSTREAM_BAD_RESPONSE', 'the upstream answer is not a Responses `response` object');
  }
  const response = body as unknown as ResponsesResponse;
  const content: AssistantPart[] = [];
  for (const item of response.output) {
    if (isRecord(item)) content.push(...decodeAssistantItem(item));
  }
  const hasToolCalls = content.some((part) => part.type === 'tool-call');
  const result: CanonicalResponse = {
    id: response.id,
    model: typeof response.model === 'string' ? response.model : '',
    content,
    finishReason: decodeResponsesFinishReason(response.status, response.incomplete_details?.reason, hasToolCalls),
  };
  if (isRecord(response.usage)) result.usage = decodeResponsesUsage(response.usage);
  return result;
}

/**
 * One model-produced item (an output item, or the same item sent back in a
 * request's history) -> canonical assistant parts. Shared by the response and
 * request readers so both read `reasoning`, `function_call`… the same way.
 */
export function decodeAssistantItem(item: ResponsesOutputItem | ResponsesMessageItem): AssistantPart[] {
  // Hosted tools ran at OpenAI and have no canonical form.
  if (isHostedItem(item)) return [];
  switch (item.type) {
    case 'message':
    case undefined:
      return decodeAssistantMessage(item as ResponsesMessageItem);
    case 'reasoning':
      return decodeReasoningItem(item);
    case 'function_call':
      return [decodeToolCall(item, 'function', item.arguments)];
    case 'custom_tool_call':
      return [decodeToolCall(item, 'custom', item.input)];
    default: {
      const unexpected: never = item;
      void unexpected;
      return [];
    }
  }
}

/** The item-level facts of a message item worth keeping for a round trip. */
export function messageItemData(item: ResponsesMessageItem): ResponsesItemData {
  const data: ResponsesItemData = {};
  if (item.type === undefined) data.untyped = true;
  if (typeof item.id === 'string') data.id = item.id;
  if (typeof item.status === 'string') data.status = item.status;
  if (item.phase !== undefined) data.phase = item.phase;
  if (typeof item.content === 'string') data.stringContent = true;
  return data;
}

function decodeAssistantMessage(item: ResponsesMessageItem): AssistantPart[] {
  const itemData = messageItemData(item);
  if (typeof item.content === 'string') return [{ type: 'text', text: item.content, ...partDataField({ item: itemData }) }];
  const parts: AssistantPart[] = [];
  for (const content of item.content) {
    const partData: ResponsesPartData = {};
    if (parts.length === 0) partData.item = itemData;
    switch (content.type) {
      case 'output_text':
      case 'input_text':
        if (content.type === 'output_text' && content.annotations !== undefined) partData.annotations = content.annotations;
        parts.push({ type: 'text', text: content.text, ...partDataField(partData) });
        break;
      case 'refusal':
        parts.push({ type: 'refusal', text: content.refusal, ...partDataField(partData) });
        break;
      case 'input_image':
      case 'input_file':
        // The model never produces these; an assistant message holding one cannot be written back either.
        break;
      default: {
        const unexpected: never = content;
        void unexpected;
      }
    }
  }
  return parts;
}

/**
 * A reasoning item becomes one reasoning part per summary entry (at least
 * one). The first part carries the item's id; the last one carries
 * `encrypted_content` as a signature, where the stream reader also puts it.
 */
function decodeReasoningItem(item: ResponsesReasoningItem): ReasoningPart[] {
  const texts = Array.isArray(item.summary) ? item.summary.map((entry) => entry.text) : [];
  let textFromContent = false;
  if (texts.length === 0) {
    const raw = Array.isArray(item.content) ? item.content.map((entry) => entry.text).join('') : '';
    textFromContent = raw !== '';
    texts.push(raw);
  }
  const itemData: ResponsesItemData = {};
  if (typeof item.id === 'string') itemData.id = item.id;
  if (typeof item.status === 'string') itemData.status = item.status;
  return texts.map((text, index) => {
    const data: ResponsesPartData = { summaryIndex: index };
    if (index === 0) {
      data.item = itemData;
      if ('content' in item) data.reasoningContent = item.content;
      if (textFromContent) data.textFromContent = true;
    }
    const part: ReasoningPart = { type: 'reasoning', text, ...partDataField(data) };
    if (index === texts.length - 1 && typeof item.encrypted_content === 'string') {
      const signature = decodeClientSignature(item.encrypted_content, 'openai-responses');
      if (signature !== undefined) part.signature = signature;
    }
    return part;
  });
}

function decodeToolCall(item: ResponsesFunctionCallItem | ResponsesCustomToolCallItem, kind: ToolCallPart['kind'], input: string): ToolCallPart {
  const itemData: ResponsesItemData = {};
  if (typeof item.id === 'string') itemData.id = item.id;
  if (typeof item.status === 'string') itemData.status = item.status;
  if (typeof item.namespace === 'string') itemData.namespace = item.namespace;
  return { type: 'tool-call', id: item.call_id, name: canonicalCallName(item.name, item.namespace), kind, input: typeof input === 'string' ? input : '', ...partDataField(Object.keys(itemData).length > 0 ? { item: itemData } : {}) };
}

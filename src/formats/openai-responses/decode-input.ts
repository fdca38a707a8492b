import type {
  AssistantPart,
  CanonicalMessage,
  CanonicalRequest,
  DocumentPart,
  ImagePart,
  TextPart,
  ToolResultPart,
  TranslationWarning,
  UserPart,
} from '../../canonical/types.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { isRecord } from '../shared/tool-input.js';
import { decodeAssistantItem, messageItemData } from './decode-response.js';
import { decodeAdditionalTools } from './decode-tools.js';
import { partDataField, type ResponsesItemData, type ResponsesPartData, type ResponsesRequestData } from './provider-data.js';
import type {
  ResponsesAgentMessageItem,
  ResponsesCustomToolCallOutputItem,
  ResponsesFunctionCallOutputItem,
  ResponsesInputContent,
  ResponsesMessageContent,
  ResponsesMessageItem,
  ResponsesOpenAIStateItemType,
} from './wire-types.js';
import { isHostedItem, isKnownInputItem, isOpenAIStateItem } from './wire-types.js';

/**
 * Reading a Responses request's `input` items into canonical messages.
 * @module
 */

/**
 * Folds the input items into canonical messages. Items with no canonical form
 * are kept verbatim on the first part of the next item that has one
 * (`itemsBefore`), or after the last (`itemsAfter`), so a Responses writer
 * puts them back where they were; other writers leave them out, as the
 * warnings here say, or refuse the request where leaving one out would change
 * the conversation (`boundTo`).
 */
export function decodeInput(items: unknown[], request: CanonicalRequest, data: ResponsesRequestData, warnings: TranslationWarning[]): void {
  const callNames = new Map<string, string>();
  let leading = true;
  let pending: unknown[] = [];
  /** Hands the items kept so far to the first of `parts`. */
  const attachPending = (parts: Array<UserPart | AssistantPart | TextPart>): void => {
    const first = parts[0];
    if (pending.length === 0 || first === undefined) return;
    const providerData = (first.providerData ??= {});
    (providerData['openai-responses'] ??= {}).itemsBefore = pending;
    pending = [];
  };
  const append = (role: CanonicalMessage['role'], parts: Array<UserPart | AssistantPart>): void => {
    if (parts.length === 0) return;
    attachPending(parts);
    const last = request.messages[request.messages.length - 1];
    if (last !== undefined && last.role === role) (last.content as Array<UserPart | AssistantPart>).push(...parts);
    else request.messages.push({ role, content: parts } as CanonicalMessage);
  };
  const keep = (raw: unknown): void => {
    pending.push(raw);
  };

  items.forEach((raw, index) => {
    const path = `input[${index}]`;
    if (!isRecord(raw)) throw invalid(`${path} must be an object`);
    if (!isKnownInputItem(raw)) {
      leading = false;
      keep(raw);
      warnings.push({ type: 'unsupported', path, message: `${JSON.stringify(raw.type)} is an item type this gateway does not know: kept for an openai-responses upstream, dropped for others` });
      return;
    }
    const item = raw;
    if (isOpenAIStateItem(item)) {
      keep(raw);
      if (item.type !== 'compaction_trigger') leading = false;
      (request.boundTo ??= []).push({ format: 'openai-responses', path, reason: stateItemReason[item.type] });
      return;
    }
    if (isHostedItem(item)) {
      leading = false;
      keep(raw);
      warnings.push({ type: 'unsupported', path, message: `${item.type} is an item of an OpenAI-hosted tool: kept for an openai-responses upstream, dropped for others` });
      return;
    }
    switch (item.type) {
      case undefined:
      case 'message': {
        const message = item as ResponsesMessageItem;
        if (typeof message.role !== 'string' || (typeof message.content !== 'string' && !Array.isArray(message.content))) {
          throw invalid(`${path} must be a message with a role and content`);
        }
        if (message.role === 'system' || message.role === 'developer') {
          const parts = decodeInstructionMessage(message, path, warnings);
          if (leading) {
            attachPending(parts);
            request.system.push(...parts);
          } else append('system', parts);
          return;
        }
        leading = false;
        if (message.role === 'assistant') append('assistant', decodeAssistantItem(message));
        else append('user', decodeUserContent(message, path, warnings));
        return;
      }
      case 'reasoning':
      case 'function_call':
      case 'custom_tool_call': {
        leading = false;
        const parts = decodeAssistantItem(item);
        // The canonical name (`<namespace>__<member>` for a namespaced call) names the call's result too.
        for (const part of parts) if (part.type === 'tool-call') callNames.set(part.id, part.name);
        append('assistant', parts);
        return;
      }
      case 'function_call_output':
      case 'custom_tool_call_output':
        leading = false;
        append('user', [decodeToolOutput(item, callNames.get(item.call_id), path, warnings)]);
        return;
      case 'item_reference':
        leading = false;
        keep(raw);
        warnings.push({ type: 'unsupported', path, message: `item_reference ${item.id} points at an item stored at OpenAI: kept for an openai-responses upstream, dropped for others` });
        return;
      case 'additional_tools':
        // Tool declarations, not conversation: the instructions after them still lead.
        keep(raw);
        decodeAdditionalTools(item, path, request.tools, data, warnings);
        return;
      case 'agent_message': {
        leading = false;
        const part = decodeAgentMessage(item, raw, path, warnings);
        if (part === undefined) keep(raw);
        else append('user', [part]);
        return;
      }
      case 'configuration_update':
        keep(raw);
        warnings.push({ type: 'unsupported', path, message: 'configuration_update (a reasoning setting OpenAI applies from this point of the history): kept for an openai-responses upstream; others use the request\'s own reasoning setting' });
        return;
      default: {
        const unexpected: never = item;
        throw invalid(`${path} has an unknown item type ${JSON.stringify((unexpected as { type?: unknown }).type)}`);
      }
    }
  });
  if (pending.length > 0) data.itemsAfter = pending;
}

/** Why a provider of another format cannot be given the history without this item. */
const stateItemReason: Record<ResponsesOpenAIStateItemType, string> = {
  compaction: 'a compaction item is an OpenAI-encrypted summary of the conversation before it; without it the model would lose that history',
  context_compaction: 'a context_compaction item is an OpenAI-encrypted summary of the conversation before it; without it the model would lose that history',
  compaction_trigger: 'a compaction_trigger asks OpenAI to compact the conversation (Codex remote compaction); another provider would answer an ordinary turn instead',
};

/**
 * A message between Codex agents. Plain text reaches other formats as a
 * user turn that names its author; the Responses writer puts the item back
 * as it came. Encrypted content only OpenAI can read: kept for it alone.
 */
function decodeAgentMessage(item: ResponsesAgentMessageItem, raw: unknown, path: string, warnings: TranslationWarning[]): TextPart | undefined {
  const texts: string[] = [];
  for (const content of Array.isArray(item.content) ? item.content : []) {
    if (content.type !== 'input_text' || typeof content.text !== 'string') {
      warnings.push({ type: 'unsupported', path, message: `agent_message from ${String(item.author)} is encrypted by OpenAI: kept for an openai-responses upstream, dropped for others` });
      return undefined;
    }
    texts.push(content.text);
  }
  warnings.push({ type: 'compatibility', path, message: `agent_message from ${String(item.author)} to ${String(item.recipient)}: sent to providers of other formats as a user message` });
  return { type: 'text', text: `Message from ${String(item.author)} to ${String(item.recipient)}:\n${texts.join('\n')}`, ...partDataField({ verbatim: raw }) };
}

/** A system/developer message: text only. */
function decodeInstructionMessage(message: ResponsesMessageItem, path: string, warnings: TranslationWarning[]): TextPart[] {
  const itemData: ResponsesItemData = { ...messageItemData(message), role: message.role };
  if (typeof message.content === 'string') return [{ type: 'text', text: message.content, ...partDataField({ item: itemData }) }];
  const parts: TextPart[] = [];
  message.content.forEach((content, index) => {
    if (content.type === 'input_text' || content.type === 'output_text') {
      parts.push({ type: 'text', text: content.text, ...partDataField(parts.length === 0 ? { item: itemData } : {}) });
    } else {
      warnings.push({ type: 'unsupported', path: `${path}.content[${index}]`, message: `${content.type} in a ${message.role} message has no canonical form; dropped` });
    }
  });
  return parts;
}

function decodeUserContent(message: ResponsesMessageItem, path: string, warnings: TranslationWarning[]): UserPart[] {
  const itemData = messageItemData(message);
  if (typeof message.content === 'string') return [{ type: 'text', text: message.content, ...partDataField({ item: itemData }) }];
  const parts: UserPart[] = [];
  message.content.forEach((content, index) => {
    const part = decodeInputContent(content, `${path}.content[${index}]`, warnings, parts.length === 0 ? itemData : undefined);
    if (part !== undefined) parts.push(part);
  });
  return parts;
}

/** One content part of a user message or a tool output; `item` is attached when it is the item's first part. */
function decodeInputContent(content: ResponsesMessageContent, path: string, warnings: TranslationWarning[], item: ResponsesItemData | undefined): TextPart | ImagePart | DocumentPart | undefined {
  const data: ResponsesPartData = item === undefined ? {} : { item };
  switch (content.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: content.text, ...partDataField(data) };
    case 'refusal':
      return { type: 'text', text: content.refusal, ...partDataField(data) };
    case 'input_image': {
      if (typeof content.image_url !== 'string') {
        warnings.push({ type: 'unsupported', path, message: 'an image given by file_id lives in OpenAI file storage; dropped' });
        return undefined;
      }
      const image: ImagePart = { type: 'image', source: sourceFromUrl(content.image_url) };
      if (content.detail === 'original') data.detail = content.detail;
      else if (content.detail !== undefined) image.detail = content.detail;
      return Object.assign(image, partDataField(data));
    }
    case 'input_file': {
      let source: DocumentPart['source'] | undefined;
      if (typeof content.file_data === 'string') {
        const parsed = sourceFromUrl(content.file_data);
        // A bare base64 string (no data: prefix) is what the API documents for PDFs.
        source = parsed.kind === 'base64' ? parsed : { kind: 'base64', mediaType: 'application/pdf', data: content.file_data };
      } else if (typeof content.file_url === 'string') {
        source = { kind: 'url', url: content.file_url };
      }
      if (source === undefined) {
        warnings.push({ type: 'unsupported', path, message: 'a file given by file_id lives in OpenAI file storage; dropped' });
        return undefined;
      }
      const document: DocumentPart = { type: 'document', source };
      if (typeof content.filename === 'string') document.filename = content.filename;
      return Object.assign(document, partDataField(data));
    }
    default: {
      // A newer client's content type (Codex has `input_audio`): a translated request goes on without it.
      const unexpected: never = content;
      warnings.push({ type: 'unsupported', path, message: `content type ${JSON.stringify((unexpected as { type?: unknown }).type)} has no canonical form; dropped` });
      return undefined;
    }
  }
}

function decodeToolOutput(
  item: ResponsesFunctionCallOutputItem | ResponsesCustomToolCallOutputItem,
  name: string | undefined,
  path: string,
  warnings: TranslationWarning[],
): ToolResultPart {
  const data: ResponsesPartData = {};
  const itemData: ResponsesItemData = {};
  if (typeof item.id === 'string') itemData.id = item.id;
  if ('status' in item && typeof item.status === 'string') itemData.status = item.status;
  if (Object.keys(itemData).length > 0) data.item = itemData;
  const content: ToolResultPart['content'] = [];
  if (typeof item.output === 'string') content.push({ type: 'text', text: item.output });
  else if (Array.isArray(item.output)) {
    data.outputList = true;
    item.output.forEach((entry: ResponsesInputContent, index) => {
      const part = decodeInputContent(entry, `${path}.output[${index}]`, warnings, undefined);
      if (part === undefined) return;
      if (part.type === 'document') warnings.push({ type: 'unsupported', path: `${path}.output[${index}]`, message: 'a file in a tool output has no canonical form; dropped' });
      else content.push(part);
    });
  }
  const result: ToolResultPart = { type: 'tool-result', toolCallId: item.call_id, kind: item.type === 'custom_tool_call_output' ? 'custom' : 'function', content, ...partDataField(data) };
  if (name !== undefined) result.name = name;
  return result;
}

/** `data:<media type>;base64,<data>` -> a base64 source; anything else stays a URL. */
function sourceFromUrl(url: string): ImagePart['source'] {
  if (url.startsWith('data:')) {
    const marker = url.indexOf(';base64,');
    if (marker > 5) return { kind: 'base64', mediaType: url.slice(5, marker), data: url.slice(marker + 8) };
  }
  return { kind: 'url', url };
}

function invalid(message: string): GatewayError {
  return new GatewayError('SB_REQUEST_INVALID', message);
}

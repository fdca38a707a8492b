import type { Translated } from '../../canonical/codec.js';
import type {
  AssistantPart,
  CanonicalMessage,
  CanonicalRequest,
  CanonicalTool,
  DocumentPart,
  ImagePart,
  ReasoningEffort,
  ReasoningRequest,
  TextPart,
  ToolChoice,
  ToolResultPart,
  TranslationWarning,
  UserPart,
} from '../../canonical/types.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { isRecord } from '../shared/tool-input.js';
import { collectUnknownFields } from '../shared/unknown-fields.js';
import { decodeAssistantItem, messageItemData } from './decode-response.js';
import { namespacedToolName } from './namespace-tools.js';
import { partDataField, type ResponsesItemData, type ResponsesNamespaceData, type ResponsesPartData, type ResponsesRequestData } from './provider-data.js';
import type {
  ResponsesCustomToolCallOutputItem,
  ResponsesFunctionCallOutputItem,
  ResponsesInputContent,
  ResponsesInputItem,
  ResponsesMessageContent,
  ResponsesMessageItem,
  ResponsesRequestBody,
  ResponsesTextFormat,
  ResponsesTool,
} from './wire-types.js';
import { isHostedItem } from './wire-types.js';

/** Fields with a canonical home; every other top-level field is kept verbatim in `providerData['openai-responses'].extra`. */
const canonicalFields = new Set([
  'model',
  'input',
  'instructions',
  'stream',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'max_output_tokens',
  'temperature',
  'top_p',
  'reasoning',
  'text',
  'user',
  'prompt_cache_key',
]);
const efforts = new Set<string>(['minimal', 'low', 'medium', 'high', 'xhigh']);

/**
 * Reads a Responses request body into the canonical request.
 *
 * `input` is a flat list of items; canonical is a list of messages. Items are
 * folded into messages by role: reasoning, calls and assistant messages into
 * one assistant message, call outputs and user messages into one user
 * message. Leading system/developer messages (Codex sends its instructions as
 * a first `developer` message) become canonical `system`; later ones a
 * mid-history `system` message. Each item's own facts (id, status, phase)
 * ride on its first part so the Responses writer can split the items again.
 */
export function decodeResponsesRequest(body: unknown): Translated<CanonicalRequest> {
  if (!isRecord(body)) throw invalid('the request body must be a JSON object');
  if (typeof body.model !== 'string') throw invalid('`model` must be a string');
  const wire = body as unknown as ResponsesRequestBody;
  const warnings: TranslationWarning[] = [];
  const data: ResponsesRequestData = {};
  const shape: NonNullable<ResponsesRequestData['shape']> = {};

  const request: CanonicalRequest = { model: wire.model, stream: wire.stream === true, system: [], messages: [], tools: [] };
  if (wire.stream === false) shape.streamFalse = true;
  if (typeof wire.instructions === 'string') request.system.push({ type: 'text', text: wire.instructions });

  if (typeof wire.input === 'string') {
    shape.inputString = true;
    request.messages.push({ role: 'user', content: [{ type: 'text', text: wire.input }] });
  } else if (Array.isArray(wire.input)) {
    decodeInput(wire.input, request, warnings);
  } else if (wire.input !== undefined) {
    throw invalid('`input` must be a string or an array of items');
  }

  if (Array.isArray(wire.tools)) request.tools = decodeTools(wire.tools, data);
  if (wire.tool_choice !== undefined) {
    const choice = decodeToolChoice(wire.tool_choice);
    if (choice !== undefined) request.toolChoice = choice;
    else {
      data.toolChoice = wire.tool_choice;
      request.toolChoice = { type: isRecord(wire.tool_choice) && (wire.tool_choice as Record<string, unknown>).mode === 'required' ? 'required' : 'auto' };
      warnings.push({ type: 'compatibility', path: 'tool_choice', message: 'only an openai-responses upstream can honour this tool_choice; others get the nearest of auto/required' });
    }
  }
  if (typeof wire.parallel_tool_calls === 'boolean') request.parallelToolCalls = wire.parallel_tool_calls;
  if (typeof wire.max_output_tokens === 'number') request.maxOutputTokens = wire.max_output_tokens;
  if (typeof wire.temperature === 'number') request.temperature = wire.temperature;
  if (typeof wire.top_p === 'number') request.topP = wire.top_p;
  const reasoning = decodeReasoning(wire.reasoning, shape);
  if (reasoning !== undefined) request.reasoning = reasoning;
  if (isRecord(wire.text)) {
    const format = decodeTextFormat(wire.text.format);
    if (format !== undefined) request.responseFormat = format;
    if (wire.text.verbosity !== undefined) data.verbosity = wire.text.verbosity;
  }
  const user = typeof wire.user === 'string' ? wire.user : wire.safety_identifier;
  if (typeof user === 'string') request.user = user;
  if (typeof body.prompt_cache_key === 'string') request.promptCacheKey = body.prompt_cache_key;

  const extra = collectUnknownFields(body, canonicalFields);
  if (extra !== undefined) data.extra = extra;
  for (const field of ['previous_response_id', 'conversation'] as const) {
    if (extra?.[field] !== undefined && extra[field] !== null) {
      warnings.push({ type: 'unsupported', path: field, message: 'conversation state stored at OpenAI: only an openai-responses upstream can resolve it; others see only this request\'s input' });
    }
  }
  if (Object.keys(shape).length > 0) data.shape = shape;
  // Always present, even empty: it tells the Responses writer the request came from a Responses client.
  request.providerData = { 'openai-responses': data as Record<string, unknown> };
  return { value: request, warnings };
}

function decodeInput(items: unknown[], request: CanonicalRequest, warnings: TranslationWarning[]): void {
  const callNames = new Map<string, string>();
  let leading = true;
  const append = (role: CanonicalMessage['role'], parts: Array<UserPart | AssistantPart>): void => {
    if (parts.length === 0) return;
    const last = request.messages[request.messages.length - 1];
    if (last !== undefined && last.role === role) (last.content as Array<UserPart | AssistantPart>).push(...parts);
    else request.messages.push({ role, content: parts } as CanonicalMessage);
  };

  items.forEach((raw, index) => {
    const path = `input[${index}]`;
    if (!isRecord(raw)) throw invalid(`${path} must be an object`);
    const item = raw as unknown as ResponsesInputItem;
    if (isHostedItem(item)) {
      leading = false;
      warnings.push({ type: 'unsupported', path, message: `${item.type} is an item of an OpenAI-hosted tool; dropped` });
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
          if (leading) request.system.push(...parts);
          else append('system', parts);
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
        warnings.push({ type: 'unsupported', path, message: `item_reference ${item.id} points at an item stored at OpenAI; dropped` });
        return;
      default: {
        const unexpected: never = item;
        throw invalid(`${path} has an unknown item type ${JSON.stringify((unexpected as { type?: unknown }).type)}`);
      }
    }
  });
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
      const unexpected: never = content;
      throw invalid(`${path} has an unknown content type ${JSON.stringify((unexpected as { type?: unknown }).type)}`);
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

/** The request's tools; a `namespace` tool's members take its place, each a tool of its own (see namespace-tools.ts). */
function decodeTools(tools: ResponsesTool[], data: ResponsesRequestData): CanonicalTool[] {
  const taken = new Set(tools.flatMap((tool) => (isRecord(tool) && tool.type !== 'namespace' && typeof tool.name === 'string' ? [tool.name] : [])));
  const result: CanonicalTool[] = [];
  tools.forEach((tool, index) => {
    const namespace = isRecord(tool) && tool.type === 'namespace' ? decodeNamespaceTool(tool, index, taken) : undefined;
    if (namespace === undefined) {
      result.push(decodeTool(tool, `tools[${index}]`));
      return;
    }
    result.push(...namespace.tools);
    (data.namespaces ??= []).push(namespace.data);
  });
  return result;
}

/**
 * A `namespace` tool's members as tools named `<namespace>__<member>`. When
 * a member is not a function or custom tool, or a combined name is not a
 * valid tool name or is already taken, the namespace stays a hosted tool:
 * only a Responses upstream gets it, other writers drop it with a warning.
 */
function decodeNamespaceTool(tool: Record<string, unknown>, index: number, taken: Set<string>): { tools: CanonicalTool[]; data: ResponsesNamespaceData } | undefined {
  if (typeof tool.name !== 'string' || !Array.isArray(tool.tools) || tool.tools.length === 0) return undefined;
  const tools: CanonicalTool[] = [];
  const members: string[] = [];
  for (const [memberIndex, member] of (tool.tools as unknown[]).entries()) {
    if (!isRecord(member) || typeof member.type !== 'string') return undefined;
    const decoded = decodeTool(member as unknown as ResponsesTool, `tools[${index}].tools[${memberIndex}]`);
    if (decoded.kind === 'builtin') return undefined;
    const name = namespacedToolName(tool.name, decoded.name);
    if (name === undefined || taken.has(name) || tools.some((other) => other.name === name)) return undefined;
    members.push(decoded.name);
    tools.push({ ...decoded, name });
  }
  for (const member of tools) taken.add(member.name);
  const data: ResponsesNamespaceData = { name: tool.name, members };
  const extra = collectUnknownFields(tool, namespaceToolFields);
  if (extra !== undefined) data.extra = extra;
  return { tools, data };
}

const namespaceToolFields = new Set(['type', 'name', 'tools']);

function decodeTool(tool: ResponsesTool, path: string): CanonicalTool {
  if (!isRecord(tool) || typeof tool.type !== 'string') throw invalid(`${path} must be an object with a type`);
  if (tool.type === 'function' && typeof tool.name === 'string') {
    const parameters = isRecord(tool.parameters) ? tool.parameters : {};
    // Responses treats an absent `strict` as true (Chat Completions as false): keep the meaning, and the absence for the way back.
    const canonical: CanonicalTool = { kind: 'function', name: tool.name, parameters, strict: typeof tool.strict === 'boolean' ? tool.strict : true };
    if (typeof tool.description === 'string') canonical.description = tool.description;
    const extra = collectUnknownFields(tool, functionToolFields);
    const toolData: Record<string, unknown> = {};
    if (typeof tool.strict !== 'boolean') toolData.shape = { strict: tool.strict === null ? 'null' : 'absent' };
    if (extra !== undefined) toolData.extra = extra;
    if (Object.keys(toolData).length > 0) canonical.providerData = { 'openai-responses': toolData };
    return canonical;
  }
  if (tool.type === 'custom' && typeof tool.name === 'string') {
    const canonical: CanonicalTool = { kind: 'custom', name: tool.name };
    if (typeof tool.description === 'string') canonical.description = tool.description;
    if (isRecord(tool.format)) canonical.format = tool.format;
    const extra = collectUnknownFields(tool, customToolFields);
    if (extra !== undefined) canonical.providerData = { 'openai-responses': { extra } };
    return canonical;
  }
  return { kind: 'builtin', format: 'openai-responses', name: typeof tool.name === 'string' ? tool.name : tool.type, raw: tool };
}

const functionToolFields = new Set(['type', 'name', 'description', 'parameters', 'strict']);
const customToolFields = new Set(['type', 'name', 'description', 'format']);

function decodeToolChoice(choice: unknown): ToolChoice | undefined {
  if (choice === 'auto' || choice === 'none' || choice === 'required') return { type: choice };
  if (isRecord(choice) && (choice.type === 'function' || choice.type === 'custom') && typeof choice.name === 'string' && Object.keys(choice).length === 2) {
    return { type: 'tool', name: choice.name };
  }
  return undefined;
}

function decodeReasoning(reasoning: ResponsesRequestBody['reasoning'], shape: NonNullable<ResponsesRequestData['shape']>): ReasoningRequest | undefined {
  if (!isRecord(reasoning)) return undefined;
  const result: ReasoningRequest = { enabled: reasoning.effort !== 'none' };
  if (typeof reasoning.effort === 'string' && efforts.has(reasoning.effort)) result.effort = reasoning.effort as ReasoningEffort;
  if (typeof reasoning.summary === 'string') result.summary = reasoning.summary;
  else if (typeof reasoning.generate_summary === 'string') {
    result.summary = reasoning.generate_summary;
    shape.generateSummary = true;
  }
  return result;
}

function decodeTextFormat(format: ResponsesTextFormat | undefined): CanonicalRequest['responseFormat'] {
  if (!isRecord(format)) return undefined;
  switch (format.type) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema': {
      const result: NonNullable<CanonicalRequest['responseFormat']> = { type: 'json_schema', name: format.name, schema: isRecord(format.schema) ? format.schema : {} };
      if (typeof format.strict === 'boolean') result.strict = format.strict;
      return result;
    }
    default: {
      const unexpected: never = format;
      void unexpected;
      return undefined;
    }
  }
}

function invalid(message: string): GatewayError {
  return new GatewayError('SB_REQUEST_INVALID', message);
}

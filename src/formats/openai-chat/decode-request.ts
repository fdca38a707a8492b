import type { Translated } from '../../canonical/codec.js';
import type {
  AssistantPart,
  CanonicalMessage,
  CanonicalRequest,
  CanonicalTool,
  DocumentPart,
  ImagePart,
  ReasoningEffort,
  ResponseFormat,
  TextPart,
  ToolChoice,
  ToolResultPart,
  TranslationWarning,
  UserPart,
} from '../../canonical/types.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { isRecord } from '../shared/tool-input.js';
import { collectUnknownFields } from '../shared/unknown-fields.js';
import type { ChatMessageData, ChatRequestData } from './provider-data.js';

const knownRequestFields = new Set([
  'model',
  'messages',
  'max_completion_tokens',
  'max_tokens',
  'temperature',
  'top_p',
  'stop',
  'stream',
  'stream_options',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'reasoning_effort',
  'response_format',
  'user',
  'prompt_cache_key',
]);

/**
 * Reads a Chat Completions request body into the canonical request. Leading
 * system/developer messages become the canonical system prompt, later ones
 * mid-history system messages; each run of `tool` messages becomes one user
 * turn of tool results. Throws SB_REQUEST_INVALID only when the body cannot
 * be a Chat request.
 */
export function decodeChatRequest(body: unknown): Translated<CanonicalRequest> {
  if (!isRecord(body)) throw invalid('the request body must be a JSON object');
  if (!Array.isArray(body.messages)) throw invalid('`messages` must be an array');
  const warnings: TranslationWarning[] = [];
  const data: ChatRequestData = {};
  const shape: NonNullable<ChatRequestData['shape']> = {};

  const { system, messages } = decodeMessages(body.messages, warnings);
  const request: CanonicalRequest = {
    model: typeof body.model === 'string' ? body.model : '',
    stream: body.stream === true,
    system,
    messages,
    tools: decodeTools(body.tools, warnings),
  };
  if (body.stream === false) shape.streamFalse = true;
  if (isRecord(body.stream_options)) data.streamOptions = body.stream_options;

  const toolChoice = decodeToolChoice(body.tool_choice, warnings);
  if (toolChoice !== undefined) request.toolChoice = toolChoice;
  if (typeof body.parallel_tool_calls === 'boolean') request.parallelToolCalls = body.parallel_tool_calls;
  if (typeof body.max_completion_tokens === 'number') request.maxOutputTokens = body.max_completion_tokens;
  else if (typeof body.max_tokens === 'number') {
    request.maxOutputTokens = body.max_tokens;
    shape.maxTokensField = 'max_tokens';
  }
  if (typeof body.temperature === 'number') request.temperature = body.temperature;
  if (typeof body.top_p === 'number') request.topP = body.top_p;
  if (typeof body.stop === 'string') {
    request.stopSequences = [body.stop];
    shape.stopString = true;
  } else if (Array.isArray(body.stop)) request.stopSequences = body.stop.filter((item): item is string => typeof item === 'string');
  if (typeof body.reasoning_effort === 'string') {
    if (body.reasoning_effort === 'none') {
      request.reasoning = { enabled: false };
      shape.reasoningEffortNone = true;
    } else if (isReasoningEffort(body.reasoning_effort)) request.reasoning = { enabled: true, effort: body.reasoning_effort };
    else warnings.push({ type: 'unsupported', path: 'reasoning_effort', message: `unknown reasoning effort ${body.reasoning_effort}; dropped` });
  }
  const responseFormat = decodeResponseFormat(body.response_format);
  if (responseFormat !== undefined) request.responseFormat = responseFormat;
  if (typeof body.user === 'string') request.user = body.user;
  if (typeof body.prompt_cache_key === 'string') request.promptCacheKey = body.prompt_cache_key;
  // Both limits given: the newer one wins and the legacy one is kept for the round trip.
  if (typeof body.max_completion_tokens === 'number' && body.max_tokens !== undefined) data.extra = { max_tokens: body.max_tokens };

  const extra = collectUnknownFields(body, knownRequestFields);
  if (extra !== undefined) data.extra = { ...data.extra, ...extra };
  if (Object.keys(shape).length > 0) data.shape = shape;
  if (Object.keys(data).length > 0) request.providerData = { 'openai-chat': data as Record<string, unknown> };
  return { value: request, warnings };
}

function invalid(message: string): GatewayError {
  return new GatewayError('SB_REQUEST_INVALID', message);
}

function isReasoningEffort(value: string): value is ReasoningEffort {
  return value === 'minimal' || value === 'low' || value === 'medium' || value === 'high' || value === 'xhigh';
}

function decodeMessages(messages: unknown[], warnings: TranslationWarning[]): { system: TextPart[]; messages: CanonicalMessage[] } {
  const system: TextPart[] = [];
  const result: CanonicalMessage[] = [];
  let leading = true;
  let toolTurn: Extract<CanonicalMessage, { role: 'user' }> | undefined;

  messages.forEach((message, index) => {
    const path = `messages[${index}]`;
    if (!isRecord(message)) throw invalid(`${path} must be an object`);
    const role = message.role;
    if (role !== 'tool') toolTurn = undefined;
    switch (role) {
      case 'system':
      case 'developer': {
        const texts = decodeTextContent(message.content, path);
        const data: ChatMessageData = { role };
        if (typeof message.name === 'string') data.name = message.name;
        if (Array.isArray(message.content)) data.shape = { arrayContent: true };
        if (leading) {
          for (const text of texts) system.push({ type: 'text', text, providerData: { 'openai-chat': { ...data, group: index } } });
        } else {
          result.push({ role: 'system', content: texts.map((text) => ({ type: 'text', text })), providerData: { 'openai-chat': data as Record<string, unknown> } });
        }
        return;
      }
      case 'user':
        leading = false;
        result.push(decodeUserMessage(message, path, warnings));
        return;
      case 'assistant':
        leading = false;
        result.push(decodeAssistantMessage(message, path));
        return;
      case 'tool': {
        leading = false;
        if (typeof message.tool_call_id !== 'string') throw invalid(`${path}.tool_call_id must be a string`);
        const part: ToolResultPart = { type: 'tool-result', toolCallId: message.tool_call_id, kind: 'function', content: decodeTextContent(message.content, path).map((text) => ({ type: 'text', text })) };
        if (Array.isArray(message.content)) part.providerData = { 'openai-chat': { shape: { arrayContent: true } } };
        if (toolTurn === undefined) {
          toolTurn = { role: 'user', content: [] };
          result.push(toolTurn);
        }
        toolTurn.content.push(part);
        return;
      }
      case 'function':
        leading = false;
        warnings.push({ type: 'unsupported', path, message: 'legacy `function` messages have no tool call id to pair with; dropped' });
        return;
      default:
        throw invalid(`${path}.role must be system, developer, user, assistant or tool`);
    }
  });
  return { system, messages: result };
}

/** Text of a system/developer/tool message: a string or text parts. */
function decodeTextContent(content: unknown, path: string): string[] {
  if (typeof content === 'string') return [content];
  if (content === null || content === undefined) return [];
  if (!Array.isArray(content)) throw invalid(`${path}.content must be a string or an array of parts`);
  const texts: string[] = [];
  for (const part of content) if (isRecord(part) && typeof part.text === 'string') texts.push(part.text);
  return texts;
}

function decodeUserMessage(message: Record<string, unknown>, path: string, warnings: TranslationWarning[]): CanonicalMessage {
  const content = message.content;
  const data: ChatMessageData = {};
  if (typeof message.name === 'string') data.name = message.name;
  const parts: UserPart[] = [];
  if (typeof content === 'string') parts.push({ type: 'text', text: content });
  else if (Array.isArray(content)) {
    data.shape = { arrayContent: true };
    content.forEach((part, index) => {
      const decoded = decodeUserPart(part, `${path}.content[${index}]`, warnings);
      if (decoded !== undefined) parts.push(decoded);
    });
  } else throw invalid(`${path}.content must be a string or an array of parts`);
  return Object.keys(data).length === 0 ? { role: 'user', content: parts } : { role: 'user', content: parts, providerData: { 'openai-chat': data as Record<string, unknown> } };
}

function decodeUserPart(part: unknown, path: string, warnings: TranslationWarning[]): UserPart | undefined {
  if (!isRecord(part)) throw invalid(`${path} must be a content part object`);
  switch (part.type) {
    case 'text':
      if (typeof part.text !== 'string') throw invalid(`${path}.text must be a string`);
      return { type: 'text', text: part.text };
    case 'image_url': {
      const image = part.image_url;
      if (!isRecord(image) || typeof image.url !== 'string') throw invalid(`${path}.image_url.url must be a string`);
      const decoded: ImagePart = { type: 'image', source: decodeImageUrl(image.url) };
      if (image.detail === 'auto' || image.detail === 'low' || image.detail === 'high') decoded.detail = image.detail;
      return decoded;
    }
    case 'file':
      return decodeFile(part.file, path, warnings);
    default:
      warnings.push({ type: 'unsupported', path, message: `a user part of type ${String(part.type)} (e.g. input_audio) has no canonical form; dropped` });
      return undefined;
  }
}

/** `data:<media type>;base64,<data>` becomes a base64 source; any other URL stays a URL. */
function decodeImageUrl(url: string): ImagePart['source'] {
  const dataUrl = parseDataUrl(url);
  return dataUrl === undefined ? { kind: 'url', url } : { kind: 'base64', mediaType: dataUrl.mediaType, data: dataUrl.data };
}

function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  if (!url.startsWith('data:')) return undefined;
  const marker = url.indexOf(';base64,');
  if (marker === -1) return undefined;
  return { mediaType: url.slice(5, marker), data: url.slice(marker + 8) };
}

function decodeFile(file: unknown, path: string, warnings: TranslationWarning[]): DocumentPart | undefined {
  if (!isRecord(file)) throw invalid(`${path}.file must be an object`);
  const dataUrl = typeof file.file_data === 'string' ? parseDataUrl(file.file_data) : undefined;
  if (dataUrl === undefined) {
    warnings.push({ type: 'unsupported', path, message: 'a file part without inline base64 data (a file_id) cannot be translated; dropped' });
    return undefined;
  }
  const part: DocumentPart = { type: 'document', source: { kind: 'base64', mediaType: dataUrl.mediaType, data: dataUrl.data } };
  if (typeof file.filename === 'string') part.filename = file.filename;
  return part;
}

function decodeAssistantMessage(message: Record<string, unknown>, path: string): CanonicalMessage {
  const parts: AssistantPart[] = [];
  const data: ChatMessageData = {};
  const shape: NonNullable<ChatMessageData['shape']> = {};
  if (typeof message.name === 'string') data.name = message.name;
  // Reasoning comes first: it preceded the answer it belongs to.
  if (typeof message.reasoning_content === 'string') parts.push({ type: 'reasoning', text: message.reasoning_content });
  else if (typeof message.reasoning === 'string') {
    parts.push({ type: 'reasoning', text: message.reasoning });
    data.reasoningField = 'reasoning';
  }
  const content = message.content;
  if (typeof content === 'string') {
    if (content.length > 0) parts.push({ type: 'text', text: content });
    else shape.emptyContent = 'string';
  } else if (Array.isArray(content)) {
    shape.arrayContent = true;
    for (const part of content) {
      if (!isRecord(part)) continue;
      if (part.type === 'text' && typeof part.text === 'string') parts.push({ type: 'text', text: part.text });
      else if (part.type === 'refusal' && typeof part.refusal === 'string') parts.push({ type: 'refusal', text: part.refusal });
    }
  } else if (content === undefined) shape.emptyContent = 'absent';
  if (typeof message.refusal === 'string') parts.push({ type: 'refusal', text: message.refusal });
  if (Array.isArray(message.tool_calls)) {
    message.tool_calls.forEach((call, index) => {
      if (!isRecord(call) || typeof call.id !== 'string') throw invalid(`${path}.tool_calls[${index}] needs a string id`);
      if (call.type === 'custom' && isRecord(call.custom)) {
        parts.push({ type: 'tool-call', id: call.id, name: String(call.custom.name), kind: 'custom', input: typeof call.custom.input === 'string' ? call.custom.input : '' });
      } else if (isRecord(call.function) && typeof call.function.name === 'string') {
        parts.push({ type: 'tool-call', id: call.id, name: call.function.name, kind: 'function', input: typeof call.function.arguments === 'string' ? call.function.arguments : '' });
      } else throw invalid(`${path}.tool_calls[${index}] needs a function with a name`);
    });
  }
  if (Object.keys(shape).length > 0) data.shape = shape;
  return Object.keys(data).length === 0 ? { role: 'assistant', content: parts } : { role: 'assistant', content: parts, providerData: { 'openai-chat': data as Record<string, unknown> } };
}

function decodeTools(tools: unknown, warnings: TranslationWarning[]): CanonicalTool[] {
  if (!Array.isArray(tools)) return [];
  const result: CanonicalTool[] = [];
  tools.forEach((tool, index) => {
    if (isRecord(tool) && tool.type === 'function' && isRecord(tool.function) && typeof tool.function.name === 'string') {
      const fn = tool.function;
      const canonical: CanonicalTool = { kind: 'function', name: fn.name as string, parameters: isRecord(fn.parameters) ? fn.parameters : {} };
      if (typeof fn.description === 'string') canonical.description = fn.description;
      if (typeof fn.strict === 'boolean') canonical.strict = fn.strict;
      if (!isRecord(fn.parameters)) canonical.providerData = { 'openai-chat': { shape: { noParameters: true } } };
      result.push(canonical);
    } else if (isRecord(tool) && tool.type === 'custom' && isRecord(tool.custom) && typeof tool.custom.name === 'string') {
      const canonical: CanonicalTool = { kind: 'custom', name: tool.custom.name };
      if (typeof tool.custom.description === 'string') canonical.description = tool.custom.description;
      if (isRecord(tool.custom.format)) canonical.format = tool.custom.format;
      result.push(canonical);
    } else {
      warnings.push({ type: 'unsupported', path: `tools[${index}]`, message: 'a tool that is neither a named function nor a custom tool; dropped' });
    }
  });
  return result;
}

function decodeToolChoice(choice: unknown, warnings: TranslationWarning[]): ToolChoice | undefined {
  if (choice === 'auto' || choice === 'none') return { type: choice };
  if (choice === 'required') return { type: 'required' };
  if (!isRecord(choice)) return undefined;
  if (choice.type === 'function' && isRecord(choice.function) && typeof choice.function.name === 'string') return { type: 'tool', name: choice.function.name };
  if (choice.type === 'custom' && isRecord(choice.custom) && typeof choice.custom.name === 'string') return { type: 'tool', name: choice.custom.name };
  if (choice.type === 'allowed_tools' && isRecord(choice.allowed_tools)) {
    warnings.push({ type: 'compatibility', path: 'tool_choice', message: 'allowed_tools narrowed nothing in translation; read as its mode (auto or required)' });
    return { type: choice.allowed_tools.mode === 'required' ? 'required' : 'auto' };
  }
  return undefined;
}

function decodeResponseFormat(format: unknown): ResponseFormat | undefined {
  if (!isRecord(format)) return undefined;
  switch (format.type) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema': {
      if (!isRecord(format.json_schema)) return undefined;
      const spec = format.json_schema;
      const result: ResponseFormat = { type: 'json_schema', schema: isRecord(spec.schema) ? spec.schema : {} };
      if (typeof spec.name === 'string') result.name = spec.name;
      if (typeof spec.strict === 'boolean') result.strict = spec.strict;
      return result;
    }
    default:
      return undefined;
  }
}

import type { Translated } from '../../canonical/codec.js';
import type {
  AssistantPart,
  CanonicalMessage,
  CanonicalRequest,
  CanonicalTool,
  DocumentPart,
  ImagePart,
  ReasoningEffort,
  TextPart,
  ToolChoice,
  ToolResultPart,
  TranslationWarning,
  UserPart,
} from '../../canonical/types.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { isRecord } from '../shared/tool-input.js';
import { collectUnknownFields } from '../shared/unknown-fields.js';
import type { AnthropicPartData, AnthropicRequestData } from './provider-data.js';
import { decodeThinkingSignature } from '../shared/reasoning-signature.js';

const knownRequestFields = new Set([
  'model',
  'max_tokens',
  'messages',
  'system',
  'metadata',
  'stop_sequences',
  'stream',
  'temperature',
  'top_p',
  'top_k',
  'thinking',
  'tools',
  'tool_choice',
  'output_config',
]);
const knownTextFields = new Set(['type', 'text']);
const knownImageFields = new Set(['type', 'source']);
const knownDocumentFields = new Set(['type', 'source', 'title']);
const knownToolUseFields = new Set(['type', 'id', 'name', 'input']);
const knownToolResultFields = new Set(['type', 'tool_use_id', 'content', 'is_error']);
const knownToolFields = new Set(['type', 'name', 'description', 'input_schema', 'strict']);
const billingHeaderPrefix = 'x-anthropic-billing-header:';

/**
 * Reads an Anthropic Messages request body into the canonical request. Never
 * rejects a field it does not know (it goes to `providerData.anthropic`);
 * throws SB_REQUEST_INVALID only when the body cannot be a Messages request.
 */
export function decodeAnthropicRequest(body: unknown): Translated<CanonicalRequest> {
  if (!isRecord(body)) throw invalid('the request body must be a JSON object');
  const messages = body.messages;
  if (!Array.isArray(messages)) throw invalid('`messages` must be an array');
  const warnings: TranslationWarning[] = [];
  const data: AnthropicRequestData = {};
  const shape: NonNullable<AnthropicRequestData['shape']> = {};

  const request: CanonicalRequest = {
    model: typeof body.model === 'string' ? body.model : '',
    stream: body.stream === true,
    system: decodeSystem(body.system, data, shape),
    messages: messages.map((message, index) => decodeMessage(message, `messages[${index}]`, warnings)),
    tools: decodeTools(body.tools, warnings),
  };
  if (body.stream === false) shape.streamFalse = true;

  const toolChoice = body.tool_choice;
  if (isRecord(toolChoice)) {
    const choice = decodeToolChoice(toolChoice);
    if (choice !== undefined) request.toolChoice = choice;
    if (typeof toolChoice.disable_parallel_tool_use === 'boolean') request.parallelToolCalls = !toolChoice.disable_parallel_tool_use;
  }
  if (typeof body.max_tokens === 'number') request.maxOutputTokens = body.max_tokens;
  if (typeof body.temperature === 'number') request.temperature = body.temperature;
  if (typeof body.top_p === 'number') request.topP = body.top_p;
  if (typeof body.top_k === 'number') request.topK = body.top_k;
  if (Array.isArray(body.stop_sequences)) request.stopSequences = body.stop_sequences.filter((item): item is string => typeof item === 'string');

  decodeReasoning(body.thinking, body.output_config, request, data, shape);
  decodeOutputFormat(body.output_config, request);

  if (isRecord(body.metadata)) {
    const { user_id: userId, ...metadata } = body.metadata;
    if (typeof userId === 'string') request.user = userId;
    if (Object.keys(metadata).length > 0) data.metadata = metadata;
  }

  const extra = collectUnknownFields(body, knownRequestFields);
  if (isRecord(body.output_config)) {
    const { effort: _effort, format: _format, ...otherOutputConfig } = body.output_config;
    if (Object.keys(otherOutputConfig).length > 0) (data.extra ??= {}).output_config = otherOutputConfig;
  }
  if (extra !== undefined) data.extra = { ...data.extra, ...extra };
  if (Object.keys(shape).length > 0) data.shape = shape;
  if (Object.keys(data).length > 0) request.providerData = { anthropic: data as Record<string, unknown> };
  return { value: request, warnings };
}

function invalid(message: string): GatewayError {
  return new GatewayError('SB_REQUEST_INVALID', message);
}

function decodeSystem(system: unknown, data: AnthropicRequestData, shape: NonNullable<AnthropicRequestData['shape']>): TextPart[] {
  if (typeof system === 'string') {
    shape.systemString = true;
    return [{ type: 'text', text: system }];
  }
  if (!Array.isArray(system)) return [];
  const parts: TextPart[] = [];
  for (const [index, block] of system.entries()) {
    if (!isRecord(block) || typeof block.text !== 'string') continue;
    if (index === 0 && block.text.startsWith(billingHeaderPrefix)) {
      data.billingHeader = block as unknown as AnthropicRequestData['billingHeader'];
      continue;
    }
    parts.push(decodeText(block, block.text));
  }
  return parts;
}

function decodeMessage(message: unknown, path: string, warnings: TranslationWarning[]): CanonicalMessage {
  if (!isRecord(message)) throw invalid(`${path} must be an object`);
  const { role, content } = message;
  if (role !== 'user' && role !== 'assistant' && role !== 'system') throw invalid(`${path}.role must be "user", "assistant" or "system"`);
  if (typeof content !== 'string' && !Array.isArray(content)) throw invalid(`${path}.content must be a string or an array of content blocks`);
  const stringShape = typeof content === 'string' ? { anthropic: { shape: { stringContent: true } } } : undefined;
  const blocks: unknown[] = typeof content === 'string' ? [{ type: 'text', text: content }] : content;

  if (role === 'system') {
    const parts: TextPart[] = [];
    blocks.forEach((block, index) => {
      if (isRecord(block) && block.type === 'text' && typeof block.text === 'string') parts.push(decodeText(block, block.text));
      else warnings.push({ type: 'unsupported', path: `${path}.content[${index}]`, message: 'a system message holds only text blocks; dropped' });
    });
    return stringShape === undefined ? { role, content: parts } : { role, content: parts, providerData: stringShape };
  }
  if (role === 'user') {
    const parts: UserPart[] = [];
    blocks.forEach((block, index) => {
      const part = decodeUserBlock(block, `${path}.content[${index}]`, warnings);
      if (part !== undefined) parts.push(part);
    });
    return stringShape === undefined ? { role, content: parts } : { role, content: parts, providerData: stringShape };
  }
  const parts: AssistantPart[] = [];
  blocks.forEach((block, index) => {
    const part = decodeAssistantBlock(block, `${path}.content[${index}]`, warnings);
    if (part !== undefined) parts.push(part);
  });
  return stringShape === undefined ? { role, content: parts } : { role, content: parts, providerData: stringShape };
}

function decodeUserBlock(block: unknown, path: string, warnings: TranslationWarning[]): UserPart | undefined {
  if (!isRecord(block)) throw invalid(`${path} must be a content block object`);
  switch (block.type) {
    case 'text':
      if (typeof block.text !== 'string') throw invalid(`${path}.text must be a string`);
      return decodeText(block, block.text);
    case 'image':
      return decodeImage(block, path, warnings);
    case 'document':
      return decodeDocument(block, path, warnings);
    case 'tool_result':
      return decodeToolResult(block, path, warnings);
    default:
      warnings.push({ type: 'unsupported', path, message: `a user block of type ${String(block.type)} has no canonical form; dropped` });
      return undefined;
  }
}

function decodeAssistantBlock(block: unknown, path: string, warnings: TranslationWarning[]): AssistantPart | undefined {
  if (!isRecord(block)) throw invalid(`${path} must be a content block object`);
  switch (block.type) {
    case 'text':
      if (typeof block.text !== 'string') throw invalid(`${path}.text must be a string`);
      return decodeText(block, block.text);
    case 'thinking': {
      const thinking = typeof block.thinking === 'string' ? block.thinking : '';
      const signature = typeof block.signature === 'string' ? decodeThinkingSignature(block.signature) : undefined;
      return signature === undefined ? { type: 'reasoning', text: thinking } : { type: 'reasoning', text: thinking, signature };
    }
    case 'redacted_thinking':
      return { type: 'reasoning', text: '', redacted: typeof block.data === 'string' ? block.data : '' };
    case 'tool_use': {
      if (typeof block.id !== 'string' || typeof block.name !== 'string') throw invalid(`${path} needs a string id and name`);
      const part: AssistantPart = { type: 'tool-call', id: block.id, name: block.name, kind: 'function', input: JSON.stringify(block.input ?? {}) };
      const rest = collectUnknownFields(block, knownToolUseFields);
      if (rest !== undefined) part.providerData = { anthropic: rest };
      return part;
    }
    default:
      warnings.push({ type: 'unsupported', path, message: `an assistant block of type ${String(block.type)} has no canonical form; dropped` });
      return undefined;
  }
}

function decodeText(block: Record<string, unknown>, text: string): TextPart {
  const rest = collectUnknownFields(block, knownTextFields);
  return rest === undefined ? { type: 'text', text } : { type: 'text', text, providerData: { anthropic: rest } };
}

function decodeImage(block: Record<string, unknown>, path: string, warnings: TranslationWarning[]): ImagePart | undefined {
  const source = block.source;
  let part: ImagePart;
  if (isRecord(source) && source.type === 'base64' && typeof source.data === 'string') {
    part = { type: 'image', source: { kind: 'base64', mediaType: typeof source.media_type === 'string' ? source.media_type : 'image/png', data: source.data } };
  } else if (isRecord(source) && source.type === 'url' && typeof source.url === 'string') {
    part = { type: 'image', source: { kind: 'url', url: source.url } };
  } else {
    warnings.push({ type: 'unsupported', path: `${path}.source`, message: 'an image source other than base64 or url (e.g. a Files API id) cannot be translated; dropped' });
    return undefined;
  }
  const rest = collectUnknownFields(block, knownImageFields);
  if (rest !== undefined) part.providerData = { anthropic: rest };
  return part;
}

function decodeDocument(block: Record<string, unknown>, path: string, warnings: TranslationWarning[]): DocumentPart | undefined {
  const source = block.source;
  if (!isRecord(source)) {
    warnings.push({ type: 'unsupported', path: `${path}.source`, message: 'a document without a source; dropped' });
    return undefined;
  }
  const data: AnthropicPartData = collectUnknownFields(block, knownDocumentFields) ?? {};
  let part: DocumentPart;
  if (source.type === 'base64' && typeof source.data === 'string') {
    part = { type: 'document', source: { kind: 'base64', mediaType: typeof source.media_type === 'string' ? source.media_type : 'application/pdf', data: source.data } };
  } else if (source.type === 'text' && typeof source.data === 'string') {
    part = { type: 'document', source: { kind: 'text', mediaType: typeof source.media_type === 'string' ? source.media_type : 'text/plain', data: source.data } };
  } else if (source.type === 'url' && typeof source.url === 'string') {
    part = { type: 'document', source: { kind: 'url', url: source.url } };
  } else if (source.type === 'content') {
    // A document made of blocks: other formats get its text; Anthropic gets the blocks back.
    data.originalSource = source;
    part = { type: 'document', source: { kind: 'text', mediaType: 'text/plain', data: contentSourceText(source.content) } };
    warnings.push({ type: 'compatibility', path: `${path}.source`, message: 'a content-block document source is read as its text for other formats' });
  } else {
    warnings.push({ type: 'unsupported', path: `${path}.source`, message: `a document source of type ${String(source.type)} cannot be translated; dropped` });
    return undefined;
  }
  if (typeof block.title === 'string') part.title = block.title;
  else if (block.title !== undefined) data.title = block.title;
  if (Object.keys(data).length > 0) part.providerData = { anthropic: data };
  return part;
}

function contentSourceText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const texts: string[] = [];
  for (const block of content) if (isRecord(block) && typeof block.text === 'string') texts.push(block.text);
  return texts.join('\n');
}

function decodeToolResult(block: Record<string, unknown>, path: string, warnings: TranslationWarning[]): ToolResultPart {
  if (typeof block.tool_use_id !== 'string') throw invalid(`${path}.tool_use_id must be a string`);
  const data: AnthropicPartData = collectUnknownFields(block, knownToolResultFields) ?? {};
  const content: Array<TextPart | ImagePart> = [];
  const raw = block.content;
  if (typeof raw === 'string') {
    content.push({ type: 'text', text: raw });
    data.shape = { stringContent: true };
  } else if (Array.isArray(raw)) {
    let keptAll = true;
    raw.forEach((inner, index) => {
      const innerPath = `${path}.content[${index}]`;
      if (isRecord(inner) && inner.type === 'text' && typeof inner.text === 'string') content.push(decodeText(inner, inner.text));
      else if (isRecord(inner) && inner.type === 'image') {
        const image = decodeImage(inner, innerPath, warnings);
        if (image === undefined) keptAll = false;
        else content.push(image);
      } else {
        keptAll = false;
        warnings.push({ type: 'unsupported', path: innerPath, message: `a tool result block of type ${isRecord(inner) ? String(inner.type) : typeof inner} is kept only for Anthropic upstreams` });
      }
    });
    if (!keptAll) data.originalContent = raw;
  }
  const part: ToolResultPart = { type: 'tool-result', toolCallId: block.tool_use_id, kind: 'function', content };
  if (block.is_error === true) part.isError = true;
  else if (block.is_error === false) data.shape = { ...data.shape, isErrorFalse: true };
  if (Object.keys(data).length > 0) part.providerData = { anthropic: data };
  return part;
}

function decodeTools(tools: unknown, warnings: TranslationWarning[]): CanonicalTool[] {
  if (!Array.isArray(tools)) return [];
  const result: CanonicalTool[] = [];
  tools.forEach((tool, index) => {
    if (!isRecord(tool) || typeof tool.name !== 'string') {
      warnings.push({ type: 'unsupported', path: `tools[${index}]`, message: 'a tool without a name; dropped' });
      return;
    }
    if (!isRecord(tool.input_schema)) {
      // Anthropic-defined tools (web search, bash, text editor) carry a versioned type instead of a schema.
      result.push({ kind: 'builtin', format: 'anthropic', name: tool.name, raw: tool });
      return;
    }
    const canonical: CanonicalTool = { kind: 'function', name: tool.name, parameters: tool.input_schema };
    if (typeof tool.description === 'string') canonical.description = tool.description;
    if (typeof tool.strict === 'boolean') canonical.strict = tool.strict;
    const rest = collectUnknownFields(tool, knownToolFields);
    const data = tool.type === undefined ? rest : { ...rest, type: tool.type };
    if (data !== undefined) canonical.providerData = { anthropic: data };
    result.push(canonical);
  });
  return result;
}

function decodeToolChoice(choice: Record<string, unknown>): ToolChoice | undefined {
  switch (choice.type) {
    case 'auto':
      return { type: 'auto' };
    case 'any':
      return { type: 'required' };
    case 'none':
      return { type: 'none' };
    case 'tool':
      return typeof choice.name === 'string' ? { type: 'tool', name: choice.name } : undefined;
    default:
      return undefined;
  }
}

function decodeReasoning(
  thinking: unknown,
  outputConfig: unknown,
  request: CanonicalRequest,
  data: AnthropicRequestData,
  shape: NonNullable<AnthropicRequestData['shape']>,
): void {
  const effort = isRecord(outputConfig) ? decodeEffort(outputConfig.effort) : undefined;
  if (isRecord(thinking)) {
    if (thinking.display !== undefined) data.thinkingDisplay = thinking.display as AnthropicRequestData['thinkingDisplay'];
    if (thinking.type === 'disabled') request.reasoning = { enabled: false };
    else if (thinking.type === 'enabled') {
      shape.thinking = 'enabled';
      request.reasoning = { enabled: true };
      if (typeof thinking.budget_tokens === 'number') request.reasoning.budgetTokens = thinking.budget_tokens;
    } else if (thinking.type === 'adaptive') {
      shape.thinking = 'adaptive';
      request.reasoning = { enabled: true };
    }
  }
  if (effort !== undefined) {
    shape.outputConfigEffort = true;
    request.reasoning ??= { enabled: true };
    request.reasoning.effort = effort;
  }
}

function decodeEffort(effort: unknown): ReasoningEffort | undefined {
  switch (effort) {
    case 'low':
    case 'medium':
    case 'high':
      return effort;
    case 'max':
      return 'xhigh';
    default:
      return undefined;
  }
}

function decodeOutputFormat(outputConfig: unknown, request: CanonicalRequest): void {
  if (!isRecord(outputConfig) || !isRecord(outputConfig.format)) return;
  const format = outputConfig.format;
  if (format.type === 'json_schema' && isRecord(format.schema)) request.responseFormat = { type: 'json_schema', schema: format.schema };
}

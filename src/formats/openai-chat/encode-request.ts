import type { Translated } from '../../canonical/codec.js';
import type { AssistantPart, CanonicalMessage, CanonicalRequest, DocumentPart, ImagePart, TextPart, ToolResultPart, TranslationWarning, UserPart } from '../../canonical/types.js';
import { anthropicHintWarnings } from '../shared/anthropic-hint-warnings.js';
import { foreignProviderDataWarnings } from '../shared/provider-data-warnings.js';
import { effortForBudget } from '../shared/reasoning-effort.js';
import { customToolAsFunction, customToolWarning, wrapCustomToolInput } from '../shared/tool-input.js';
import { refuseBoundParts } from '../shared/refuse-bound-parts.js';
import type { ChatMessageData, ChatRequestData } from './provider-data.js';
import type { ChatFilePart, ChatImagePart, ChatMessage, ChatReasoningEffort, ChatTextPart, ChatTool, ChatToolCall, ChatToolChoice, ChatUserContentPart } from './wire-types.js';

/**
 * Writes the canonical request as a Chat Completions request for
 * `upstreamModel`. Tool results become `tool` messages ahead of the turn's
 * other content; assistant reasoning goes back as `reasoning_content`
 * (DeepSeek wants it in tool loops); streaming requests ask for usage.
 */
export function encodeChatRequest(request: CanonicalRequest, upstreamModel: string): Translated<Record<string, unknown>> {
  refuseBoundParts(request, 'openai-chat');
  const warnings: TranslationWarning[] = [];
  const data = request.providerData?.['openai-chat'] as ChatRequestData | undefined;
  foreignProviderDataWarnings(request.providerData, 'openai-chat', warnings);
  const counters = { signatures: 0, redacted: 0 };

  const messages: ChatMessage[] = encodeSystem(request.system);
  request.messages.forEach((message, index) => encodeMessage(message, `messages[${index}]`, messages, warnings, counters));
  if (counters.signatures > 0) warnings.push({ type: 'unsupported', path: 'messages', message: `${counters.signatures} reasoning signature(s) dropped: Chat Completions has no field for them` });
  if (counters.redacted > 0) warnings.push({ type: 'unsupported', path: 'messages', message: `${counters.redacted} redacted reasoning block(s) dropped: only Anthropic can read them` });

  anthropicHintWarnings(request, 'Chat Completions', warnings);

  const body: Record<string, unknown> = { model: upstreamModel, messages };
  const tools = encodeTools(request, warnings);
  if (tools.length > 0) body.tools = tools;
  // OpenAI rejects tool_choice without tools (a client may send `none` with an empty tool list).
  const toolChoice = encodeToolChoice(request);
  if (toolChoice !== undefined && tools.length > 0) body.tool_choice = toolChoice;
  if (request.parallelToolCalls !== undefined && tools.length > 0) body.parallel_tool_calls = request.parallelToolCalls;

  if (request.maxOutputTokens !== undefined) body[data?.shape?.maxTokensField ?? 'max_completion_tokens'] = request.maxOutputTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.topK !== undefined) warnings.push({ type: 'unsupported', path: 'top_k', message: 'Chat Completions has no top_k; dropped' });
  if (request.stopSequences !== undefined) body.stop = data?.shape?.stopString && request.stopSequences.length === 1 ? request.stopSequences[0] : request.stopSequences;
  const effort = encodeReasoningEffort(request, data);
  if (effort !== undefined) body.reasoning_effort = effort;
  if (request.reasoning?.summary !== undefined) warnings.push({ type: 'unsupported', path: 'reasoning.summary', message: 'Chat Completions has no reasoning summary setting; dropped' });

  const format = request.responseFormat;
  if (format?.type === 'json_schema') {
    const spec: Record<string, unknown> = { name: format.name ?? 'response', schema: format.schema };
    if (format.strict !== undefined) spec.strict = format.strict;
    body.response_format = { type: 'json_schema', json_schema: spec };
  } else if (format !== undefined) body.response_format = { type: format.type };
  if (request.user !== undefined) body.user = request.user;
  // OpenAI routes requests with the same key to the same cache (Codex sends its session id); see the provider's `prompt_cache_key` setting.
  if (request.promptCacheKey !== undefined) body.prompt_cache_key = request.promptCacheKey;
  if (request.stream) {
    body.stream = true;
    // The usage chunk is the only place a Chat stream reports tokens; the gateway always asks for it.
    body.stream_options = { ...data?.streamOptions, include_usage: true };
  } else if (data?.shape?.streamFalse) body.stream = false;
  if (data?.extra !== undefined) for (const key in data.extra) body[key] = data.extra[key];
  return { value: body, warnings };
}

function chatData(providerData: { 'openai-chat'?: Record<string, unknown> } | undefined): ChatMessageData | undefined {
  return providerData?.['openai-chat'] as ChatMessageData | undefined;
}

/**
 * Leading system text. Parts read from Chat keep their messages (and roles);
 * parts from other formats (Anthropic system blocks) become one `system`
 * message, because several OpenAI-compatible servers accept only one.
 */
function encodeSystem(system: TextPart[]): ChatMessage[] {
  if (system.length === 0) return [];
  if (system.every((part) => chatData(part.providerData) === undefined)) return [{ role: 'system', content: system.map((part) => part.text).join('\n\n') }];
  const messages: ChatMessage[] = [];
  let group: number | undefined;
  let current: { role: 'system' | 'developer'; texts: string[]; data: ChatMessageData | undefined } | undefined;
  const flush = (): void => {
    if (current !== undefined) messages.push(systemMessage(current.role, current.texts, current.data));
  };
  for (const part of system) {
    const data = chatData(part.providerData);
    if (current === undefined || data?.group === undefined || data.group !== group) {
      flush();
      current = { role: data?.role ?? 'system', texts: [], data };
      group = data?.group;
    }
    current.texts.push(part.text);
  }
  flush();
  return messages;
}

function systemMessage(role: 'system' | 'developer', texts: string[], data: ChatMessageData | undefined): ChatMessage {
  const content = data?.shape?.arrayContent || texts.length > 1 ? texts.map((text): ChatTextPart => ({ type: 'text', text })) : (texts[0] ?? '');
  return data?.name === undefined ? { role, content } : { role, content, name: data.name };
}

function encodeMessage(message: CanonicalMessage, path: string, out: ChatMessage[], warnings: TranslationWarning[], counters: { signatures: number; redacted: number }): void {
  const data = chatData(message.providerData);
  switch (message.role) {
    case 'system':
      out.push(
        systemMessage(
          data?.role ?? 'system',
          message.content.map((part) => part.text),
          data,
        ),
      );
      return;
    case 'user':
      encodeUserMessage(message.content, data, path, out, warnings);
      return;
    case 'assistant':
      out.push(encodeAssistantMessage(message.content, data, path, warnings, counters));
      return;
    default: {
      const unexpected: never = message;
      throw new Error(`unknown message role ${JSON.stringify(unexpected)}`);
    }
  }
}

/** Tool results go first, as `tool` messages; images in them (which `tool` messages cannot hold) follow in a user message. */
function encodeUserMessage(parts: UserPart[], data: ChatMessageData | undefined, path: string, out: ChatMessage[], warnings: TranslationWarning[]): void {
  const content: ChatUserContentPart[] = [];
  const toolImages: ChatUserContentPart[] = [];
  parts.forEach((part, index) => {
    const partPath = `${path}.content[${index}]`;
    switch (part.type) {
      case 'text':
        content.push({ type: 'text', text: part.text });
        return;
      case 'image':
        content.push(encodeImage(part));
        return;
      case 'document': {
        const encoded = encodeDocument(part, partPath, warnings);
        if (encoded !== undefined) content.push(encoded);
        return;
      }
      case 'tool-result':
        out.push(encodeToolResult(part, partPath, toolImages, warnings));
        return;
      default: {
        const unexpected: never = part;
        throw new Error(`unknown user part ${JSON.stringify(unexpected)}`);
      }
    }
  });
  const all = [...toolImages, ...content];
  if (all.length === 0) return;
  const only = all[0];
  const asString = all.length === 1 && only?.type === 'text' && !data?.shape?.arrayContent;
  const message: ChatMessage = { role: 'user', content: asString ? only.text : all };
  if (data?.name !== undefined) message.name = data.name;
  out.push(message);
}

function encodeImage(part: ImagePart): ChatImagePart {
  const url = part.source.kind === 'url' ? part.source.url : `data:${part.source.mediaType};base64,${part.source.data}`;
  return { type: 'image_url', image_url: part.detail === undefined ? { url } : { url, detail: part.detail } };
}

function encodeDocument(part: DocumentPart, path: string, warnings: TranslationWarning[]): ChatFilePart | ChatTextPart | undefined {
  switch (part.source.kind) {
    case 'base64': {
      const file: ChatFilePart['file'] = { file_data: `data:${part.source.mediaType};base64,${part.source.data}` };
      file.filename = part.filename ?? part.title ?? 'document.pdf';
      return { type: 'file', file };
    }
    case 'text':
      warnings.push({ type: 'compatibility', path, message: 'a plain-text document was sent as a text part' });
      return { type: 'text', text: part.title === undefined ? part.source.data : `${part.title}\n\n${part.source.data}` };
    case 'url':
      warnings.push({ type: 'unsupported', path, message: 'Chat Completions file parts cannot point at a URL; the document was dropped' });
      return undefined;
    default: {
      const unexpected: never = part.source;
      throw new Error(`unknown document source ${JSON.stringify(unexpected)}`);
    }
  }
}

function encodeToolResult(part: ToolResultPart, path: string, toolImages: ChatUserContentPart[], warnings: TranslationWarning[]): ChatMessage {
  const texts: ChatTextPart[] = [];
  for (const inner of part.content) {
    if (inner.type === 'text') texts.push({ type: 'text', text: inner.text });
    else toolImages.push(encodeImage(inner));
  }
  if (texts.length < part.content.length) warnings.push({ type: 'compatibility', path, message: 'images of a tool result were moved to a user message: Chat tool messages hold only text' });
  if (part.isError === true) {
    // Chat has no is_error; the model still needs to know the call failed.
    warnings.push({ type: 'compatibility', path: `${path}.isError`, message: 'Chat has no tool error flag; the result text was prefixed with "[tool error]"' });
    const first = texts[0];
    if (first === undefined) texts.push({ type: 'text', text: '[tool error]' });
    else first.text = `[tool error] ${first.text}`;
  }
  const arrayContent = chatData(part.providerData)?.shape?.arrayContent === true;
  const content = arrayContent || texts.length > 1 ? texts : (texts[0]?.text ?? '');
  return { role: 'tool', tool_call_id: part.toolCallId, content };
}

function encodeAssistantMessage(
  parts: AssistantPart[],
  data: ChatMessageData | undefined,
  path: string,
  warnings: TranslationWarning[],
  counters: { signatures: number; redacted: number },
): ChatMessage {
  const texts: string[] = [];
  const refusals: string[] = [];
  const reasoning: string[] = [];
  const toolCalls: ChatToolCall[] = [];
  for (const part of parts) {
    switch (part.type) {
      case 'text':
        texts.push(part.text);
        break;
      case 'refusal':
        refusals.push(part.text);
        break;
      case 'reasoning':
        if (part.redacted !== undefined) counters.redacted++;
        else reasoning.push(part.text);
        if (part.signature !== undefined && part.signature.format !== 'openai-chat') counters.signatures++;
        break;
      case 'tool-call':
        toolCalls.push({ id: part.id, type: 'function', function: { name: part.name, arguments: part.kind === 'custom' ? wrapCustomToolInput(part.input) : part.input } });
        break;
      default: {
        const unexpected: never = part;
        throw new Error(`unknown assistant part ${JSON.stringify(unexpected)}`);
      }
    }
  }
  const message: Extract<ChatMessage, { role: 'assistant' }> = { role: 'assistant' };
  if (texts.length > 0) message.content = data?.shape?.arrayContent ? texts.map((text): ChatTextPart => ({ type: 'text', text })) : texts.join('');
  else if (data?.shape?.emptyContent === 'string') message.content = '';
  else if (data?.shape?.emptyContent !== 'absent') message.content = null;
  if (refusals.length > 0) message.refusal = refusals.join('');
  if (reasoning.length > 0) message[data?.reasoningField ?? 'reasoning_content'] = reasoning.join('');
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (data?.name !== undefined) message.name = data.name;
  if (texts.length > 1 && !data?.shape?.arrayContent) warnings.push({ type: 'compatibility', path, message: 'several text blocks of one assistant turn were joined into one content string' });
  return message;
}

function encodeTools(request: CanonicalRequest, warnings: TranslationWarning[]): ChatTool[] {
  const tools: ChatTool[] = [];
  request.tools.forEach((tool, index) => {
    switch (tool.kind) {
      case 'function': {
        const fn: Extract<ChatTool, { type: 'function' }>['function'] = { name: tool.name };
        if (tool.description !== undefined) fn.description = tool.description;
        const noParameters = (tool.providerData?.['openai-chat'] as { shape?: { noParameters?: boolean } } | undefined)?.shape?.noParameters;
        if (!noParameters) fn.parameters = tool.parameters;
        if (tool.strict !== undefined) fn.strict = tool.strict;
        tools.push({ type: 'function', function: fn });
        return;
      }
      case 'custom': {
        warnings.push(customToolWarning(tool, index));
        const { description, parameters } = customToolAsFunction(tool);
        const fn: Extract<ChatTool, { type: 'function' }>['function'] = { name: tool.name, parameters };
        if (description !== undefined) fn.description = description;
        tools.push({ type: 'function', function: fn });
        return;
      }
      case 'builtin':
        warnings.push({ type: 'unsupported', path: `tools[${index}]`, message: `${tool.format} built-in tool ${tool.name} has no Chat Completions equivalent; dropped` });
        return;
      default: {
        const unexpected: never = tool;
        throw new Error(`unknown tool kind ${JSON.stringify(unexpected)}`);
      }
    }
  });
  return tools;
}

function encodeToolChoice(request: CanonicalRequest): ChatToolChoice | undefined {
  const choice = request.toolChoice;
  switch (choice?.type) {
    case undefined:
      return undefined;
    case 'auto':
    case 'none':
    case 'required':
      return choice.type;
    case 'tool':
      return { type: 'function', function: { name: choice.name } };
    default: {
      const unexpected: never = choice;
      throw new Error(`unknown tool choice ${JSON.stringify(unexpected)}`);
    }
  }
}

/** `reasoning_effort` from the canonical effort, or from a thinking budget through the shared table. */
function encodeReasoningEffort(request: CanonicalRequest, data: ChatRequestData | undefined): ChatReasoningEffort | undefined {
  const reasoning = request.reasoning;
  if (reasoning === undefined) return undefined;
  if (!reasoning.enabled) return data?.shape?.reasoningEffortNone ? 'none' : undefined;
  if (reasoning.effort !== undefined) return reasoning.effort;
  if (reasoning.budgetTokens !== undefined) return effortForBudget(reasoning.budgetTokens);
  return undefined;
}

import type { Translated } from '../../canonical/codec.js';
import type {
  AssistantPart,
  CanonicalRequest,
  CanonicalTool,
  DocumentPart,
  ImagePart,
  TextPart,
  ToolChoice,
  ToolResultPart,
  TranslationWarning,
  UserPart,
} from '../../canonical/types.js';
import { generateId } from '../shared/generate-id.js';
import { encodeClientSignature } from '../shared/reasoning-signature.js';
import { anthropicHintWarnings } from '../shared/anthropic-hint-warnings.js';
import { foreignProviderDataWarnings } from '../shared/provider-data-warnings.js';
import { effortForBudget } from '../shared/reasoning-effort.js';
import { refuseBoundParts } from '../shared/refuse-bound-parts.js';
import { unwrapCustomToolInput, wrapCustomToolInput } from '../shared/tool-input.js';
import { createNamespacedNames, namespaceMembers, wireCallName, type NamespacedNames } from './namespace-tools.js';
import { responsesPartData, type ResponsesItemData, type ResponsesNamespaceData, type ResponsesRequestData, type ResponsesToolData } from './provider-data.js';
import type { ResponsesInputContent, ResponsesTextFormat } from './wire-types.js';

type Item = Record<string, unknown>;

/**
 * Writes a canonical request as a Responses request body.
 *
 * Requests that came from a Responses client get back every Responses-only
 * field they had (`store`, `include`, `prompt_cache_key`…). Requests from
 * other formats are sent with `store: false`, since the gateway keeps no
 * conversation at OpenAI, and ask for `reasoning.encrypted_content` when
 * reasoning is on, so the reasoning can be replayed on the next turn.
 */
export function encodeResponsesRequest(request: CanonicalRequest, upstreamModel: string): Translated<Record<string, unknown>> {
  refuseBoundParts(request, 'openai-responses');
  const warnings: TranslationWarning[] = [];
  foreignProviderDataWarnings(request.providerData, 'openai-responses', warnings);
  const data = request.providerData?.['openai-responses'] as ResponsesRequestData | undefined;
  const tools = createToolKinds(request.tools);
  const namespaces = createNamespacedNames(request);
  const body: Record<string, unknown> = { model: upstreamModel };

  const { instructions, items: systemItems } = encodeSystem(request.system);
  if (instructions !== undefined) body.instructions = instructions;
  const input: Item[] = systemItems;
  const droppedReasoning = { count: 0 };
  const customCallIds = new Set<string>();
  request.messages.forEach((message, index) => {
    const path = `messages[${index}]`;
    switch (message.role) {
      case 'system':
        input.push(...encodeSystem(message.content, 'developer').items);
        break;
      case 'user':
        input.push(...encodeUserParts(message.content, tools, customCallIds, path, warnings));
        break;
      case 'assistant':
        input.push(...encodeAssistantItems(message.content, { mode: 'input', tools, namespaces, customCallIds, droppedReasoning }));
        break;
      default: {
        const unexpected: never = message;
        throw new Error(`unknown message role ${String((unexpected as { role?: unknown }).role)}`);
      }
    }
  });
  if (droppedReasoning.count > 0) {
    warnings.push({ type: 'unsupported', path: 'messages', message: `${droppedReasoning.count} reasoning part(s) without an openai-responses signature dropped: OpenAI accepts only its own encrypted reasoning` });
  }
  if (data?.itemsAfter !== undefined) input.push(...(data.itemsAfter as Item[]));
  const onlyText = input.length === 1 ? plainUserText(request) : undefined;
  body.input = data?.shape?.inputString === true && onlyText !== undefined ? onlyText : input;

  const wireTools = encodeResponsesTools(request.tools, warnings, data?.namespaces);
  if (wireTools.length > 0) body.tools = wireTools;
  const toolChoice = data?.toolChoice ?? encodeResponsesToolChoice(request.toolChoice, tools);
  if (toolChoice !== undefined) body.tool_choice = toolChoice;
  if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
  if (request.maxOutputTokens !== undefined) body.max_output_tokens = request.maxOutputTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.topK !== undefined) warnings.push({ type: 'unsupported', path: 'topK', message: 'the Responses API has no top_k; dropped' });
  if (request.stopSequences !== undefined && request.stopSequences.length > 0) {
    warnings.push({ type: 'unsupported', path: 'stopSequences', message: 'the Responses API has no stop sequences; dropped' });
  }
  const reasoning = encodeReasoning(request, data !== undefined, warnings);
  if (reasoning !== undefined) body.reasoning = reasoning;
  const text: Record<string, unknown> = {};
  if (request.responseFormat !== undefined) text.format = encodeTextFormat(request.responseFormat);
  if (data?.verbosity !== undefined) text.verbosity = data.verbosity;
  if (Object.keys(text).length > 0) body.text = text;
  if (request.user !== undefined && request.user !== data?.extra?.safety_identifier) body.user = request.user;
  if (request.promptCacheKey !== undefined) body.prompt_cache_key = request.promptCacheKey;
  anthropicHintWarnings(request, 'the Responses API', warnings);
  if (request.stream) body.stream = true;
  else if (data?.shape?.streamFalse === true) body.stream = false;

  if (data === undefined) {
    body.store = false;
    if (request.reasoning?.enabled === true) body.include = ['reasoning.encrypted_content'];
  } else if (data.extra !== undefined) {
    Object.assign(body, data.extra);
  }
  return { value: body, warnings };
}

/** How each declared tool is called: a `custom` tool's calls are `custom_tool_call` items, a function's `function_call` items. */
export type ToolKinds = Map<string, CanonicalTool['kind']>;

export function createToolKinds(tools: CanonicalTool[]): ToolKinds {
  const kinds: ToolKinds = new Map();
  for (const tool of tools) kinds.set(tool.name, tool.kind);
  return kinds;
}

/** Whether a call (or its result) goes on the wire as custom: the declared tool decides; an undeclared one keeps its own kind. */
export function isCustomCall(tools: ToolKinds, name: string | undefined, kind: 'function' | 'custom'): boolean {
  const declared = name === undefined ? undefined : tools.get(name);
  return declared === 'custom' || (declared === undefined && kind === 'custom');
}

interface AssistantItemOptions {
  /** `output`: items of a response (ids and statuses always present); `input`: history items of a request (only what the source had). */
  mode: 'output' | 'input';
  tools: ToolKinds;
  /** Canonical names of namespace members, written back as `{name, namespace}`. */
  namespaces: NamespacedNames;
  /** Collects the ids of calls written as `custom_tool_call`, so their results become `custom_tool_call_output`. */
  customCallIds?: Set<string>;
  /** Counts reasoning parts dropped in `input` mode. */
  droppedReasoning?: { count: number };
}

/**
 * Canonical assistant parts -> Responses items: consecutive text and refusal
 * parts share a message item, reasoning parts continue the reasoning item of
 * the part before when their `summaryIndex` says so, and each call is its own
 * item. Serves both the response writer and the history of a request.
 */
export function encodeAssistantItems(parts: AssistantPart[], options: AssistantItemOptions): Item[] {
  const items: Item[] = [];
  let message: { content: unknown[] } | undefined;
  let reasoning: { item: Item; summary: unknown[]; keep: boolean } | undefined;
  const closeReasoning = (): void => {
    if (reasoning === undefined) return;
    // A reasoning item without summary reads as one empty part; it goes back as `summary: []`.
    const only = reasoning.summary.length === 1 ? (reasoning.summary[0] as { text: string }) : undefined;
    if (only?.text === '') reasoning.summary.length = 0;
    if (reasoning.keep) items.push(reasoning.item);
    else if (options.droppedReasoning !== undefined) options.droppedReasoning.count++;
    reasoning = undefined;
  };
  for (const part of parts) {
    const data = responsesPartData(part.providerData);
    if (data?.itemsBefore !== undefined && options.mode === 'input') {
      closeReasoning();
      message = undefined;
      items.push(...(data.itemsBefore as Item[]));
    }
    if (part.type !== 'reasoning') closeReasoning();
    switch (part.type) {
      case 'text':
      case 'refusal': {
        if (message === undefined || data?.item !== undefined) {
          const opened = openMessage('assistant', data?.item, options.mode);
          items.push(opened.item);
          message = opened;
        }
        if (part.type === 'refusal') message.content.push({ type: 'refusal', refusal: part.text });
        else if (options.mode === 'output') message.content.push({ type: 'output_text', annotations: data?.annotations ?? [], logprobs: [], text: part.text });
        else message.content.push(data?.annotations === undefined ? { type: 'output_text', text: part.text } : { type: 'output_text', text: part.text, annotations: data.annotations });
        finishStringContent(items[items.length - 1]!, data?.item);
        break;
      }
      case 'reasoning': {
        message = undefined;
        if (reasoning === undefined || (data?.summaryIndex ?? 0) === 0) {
          closeReasoning();
          reasoning = openReasoning(data?.item, options.mode);
          if (data !== undefined && 'reasoningContent' in data) reasoning.item.content = data.reasoningContent;
        }
        if (data?.textFromContent !== true) reasoning.summary.push({ type: 'summary_text', text: part.text });
        if (part.signature?.format === 'openai-responses') {
          reasoning.item.encrypted_content = part.signature.value;
          reasoning.keep = true;
        } else if (part.signature !== undefined && options.mode === 'output') {
          // Another family's proof, carried by the client as a marker and restored when it comes back.
          reasoning.item.encrypted_content = encodeClientSignature(part.signature, 'openai-responses');
        }
        break;
      }
      case 'tool-call':
        message = undefined;
        items.push(encodeToolCall(part, data?.item, options));
        break;
      default: {
        const unexpected: never = part;
        throw new Error(`unknown assistant part ${String((unexpected as { type?: unknown }).type)}`);
      }
    }
  }
  closeReasoning();
  return items;
}

function openReasoning(item: ResponsesItemData | undefined, mode: AssistantItemOptions['mode']): { item: Item; summary: unknown[]; keep: boolean } {
  const summary: unknown[] = [];
  const result: Item = mode === 'output' ? { id: item?.id ?? generateId('rs_'), type: 'reasoning', summary } : { type: 'reasoning', summary };
  if (mode === 'input' && item?.id !== undefined) result.id = item.id;
  if (item?.status !== undefined) result.status = item.status;
  // Input: OpenAI resolves a reasoning item by its encrypted content, or by the id of a stored item; with neither it is rejected.
  return { item: result, summary, keep: mode === 'output' || item?.id !== undefined };
}

function encodeToolCall(part: Extract<AssistantPart, { type: 'tool-call' }>, item: ResponsesItemData | undefined, options: AssistantItemOptions): Item {
  const custom = isCustomCall(options.tools, part.name, part.kind);
  if (custom) options.customCallIds?.add(part.id);
  const output = options.mode === 'output';
  const result: Item = output ? { id: item?.id ?? generateId(custom ? 'ctc_' : 'fc_'), type: custom ? 'custom_tool_call' : 'function_call', status: 'completed' } : { type: custom ? 'custom_tool_call' : 'function_call' };
  if (!output && item?.id !== undefined) result.id = item.id;
  if (!output && item?.status !== undefined) result.status = item.status;
  const wire = wireCallName(part.name, item?.namespace, options.namespaces);
  if (wire.namespace !== undefined) result.namespace = wire.namespace;
  result.call_id = part.id;
  result.name = wire.name;
  if (custom) result.input = part.kind === 'custom' ? part.input : unwrapCustomToolInput(part.input);
  else result.arguments = part.kind === 'function' ? part.input : wrapCustomToolInput(part.input);
  return result;
}

function openMessage(role: string, item: ResponsesItemData | undefined, mode: AssistantItemOptions['mode']): { item: Item; content: unknown[] } {
  const content: unknown[] = [];
  if (mode === 'output') {
    const result: Item = { id: item?.id ?? generateId('msg_'), type: 'message', status: item?.status ?? 'completed', content, role };
    if (item?.phase !== undefined) result.phase = item.phase;
    return { item: result, content };
  }
  const result: Item = item?.untyped === true ? {} : { type: 'message' };
  if (item?.id !== undefined) result.id = item.id;
  result.role = item?.role ?? role;
  result.content = content;
  if (item?.status !== undefined) result.status = item.status;
  if (item?.phase !== undefined) result.phase = item.phase;
  return { item: result, content };
}

/** A message item whose content was a plain string gets it back as one. */
function finishStringContent(item: Item, data: ResponsesItemData | undefined): void {
  if (data?.stringContent !== true || !Array.isArray(item.content) || item.content.length !== 1) return;
  const only = item.content[0] as { text?: unknown };
  if (typeof only.text === 'string') item.content = only.text;
}

/**
 * System text -> `instructions` and/or instruction messages. Parts that came
 * from a developer/system message item go back as that item; the rest (the
 * `instructions` field, or another format's system prompt) become `instructions`.
 */
function encodeSystem(parts: TextPart[], defaultRole?: string): { instructions?: string; items: Item[] } {
  const items: Item[] = [];
  const loose: string[] = [];
  let open: { item: Item; content: unknown[] } | undefined;
  for (const part of parts) {
    const data = responsesPartData(part.providerData);
    const item = data?.item;
    if (data?.itemsBefore !== undefined) items.push(...(data.itemsBefore as Item[]));
    if (item !== undefined || (defaultRole !== undefined && open === undefined)) {
      open = openMessage(item?.role ?? defaultRole ?? 'developer', item, 'input');
      items.push(open.item);
    }
    if (open === undefined) loose.push(part.text);
    else {
      open.content.push({ type: 'input_text', text: part.text });
      finishStringContent(open.item, item);
    }
  }
  return loose.length > 0 ? { instructions: loose.join('\n\n'), items } : { items };
}

function encodeUserParts(parts: UserPart[], tools: ToolKinds, customCallIds: Set<string>, path: string, warnings: TranslationWarning[]): Item[] {
  const items: Item[] = [];
  let open: { item: Item; content: unknown[] } | undefined;
  parts.forEach((part, index) => {
    const data = responsesPartData(part.providerData);
    if (data?.itemsBefore !== undefined) {
      open = undefined;
      items.push(...(data.itemsBefore as Item[]));
    }
    if (data?.verbatim !== undefined) {
      open = undefined;
      items.push(data.verbatim as Item);
      return;
    }
    if (part.type === 'tool-result') {
      open = undefined;
      items.push(encodeToolResult(part, tools, customCallIds, `${path}.content[${index}]`, warnings));
      return;
    }
    if (open === undefined || data?.item !== undefined) {
      open = openMessage('user', data?.item, 'input');
      items.push(open.item);
    }
    open.content.push(encodeInputContent(part, `${path}.content[${index}]`, warnings));
    finishStringContent(open.item, data?.item);
  });
  return items;
}

function encodeToolResult(part: ToolResultPart, tools: ToolKinds, customCallIds: Set<string>, path: string, warnings: TranslationWarning[]): Item {
  const data = responsesPartData(part.providerData);
  // The output's type must match its call's; results of other formats often carry no tool name.
  const custom = customCallIds.has(part.toolCallId) || isCustomCall(tools, part.name, part.kind);
  const item: Item = { type: custom ? 'custom_tool_call_output' : 'function_call_output' };
  if (data?.item?.id !== undefined) item.id = data.item.id;
  item.call_id = part.toolCallId;
  const first = part.content[0];
  if (data?.outputList !== true && part.content.length <= 1 && (first === undefined || first.type === 'text')) item.output = first?.text ?? '';
  else item.output = part.content.map((content, index) => encodeInputContent(content, `${path}.content[${index}]`, warnings));
  if (data?.item?.status !== undefined) item.status = data.item.status;
  if (part.isError === true) warnings.push({ type: 'compatibility', path, message: 'Responses tool outputs have no error flag; only the output text says the call failed' });
  return item;
}

function encodeInputContent(part: TextPart | ImagePart | DocumentPart, path: string, warnings: TranslationWarning[]): ResponsesInputContent {
  const data = responsesPartData(part.providerData);
  switch (part.type) {
    case 'text':
      return { type: 'input_text', text: part.text };
    case 'image': {
      const image: ResponsesInputContent = { type: 'input_image', image_url: part.source.kind === 'url' ? part.source.url : `data:${part.source.mediaType};base64,${part.source.data}` };
      const detail = part.detail ?? data?.detail;
      if (detail !== undefined) image.detail = detail as NonNullable<typeof image.detail>;
      return image;
    }
    case 'document': {
      if (part.source.kind === 'text') {
        warnings.push({ type: 'compatibility', path, message: 'a plain-text document is sent as input_text' });
        return { type: 'input_text', text: part.source.data };
      }
      const file: ResponsesInputContent = part.source.kind === 'url' ? { type: 'input_file', file_url: part.source.url } : { type: 'input_file', file_data: `data:${part.source.mediaType};base64,${part.source.data}` };
      const filename = part.filename ?? part.title;
      if (filename !== undefined) file.filename = filename;
      return file;
    }
    default: {
      const unexpected: never = part;
      throw new Error(`unknown content part ${String((unexpected as { type?: unknown }).type)}`);
    }
  }
}

/**
 * The canonical tools as Responses tools; another format's hosted tools are
 * dropped with a warning. Members of the request's `namespaces` go back into
 * their namespace tool, which takes the place of its first member.
 */
export function encodeResponsesTools(tools: CanonicalTool[], warnings: TranslationWarning[] | undefined, namespaces: ResponsesNamespaceData[] | undefined): Item[] {
  const result: Item[] = [];
  const members = namespaceMembers(namespaces);
  const groups = new Map<ResponsesNamespaceData, Item[]>();
  const push = (name: string, item: Item): void => {
    const member = members.get(name);
    if (member === undefined) {
      result.push(item);
      return;
    }
    let group = groups.get(member.namespace);
    if (group === undefined) {
      group = [];
      groups.set(member.namespace, group);
      result.push({ type: 'namespace', name: member.namespace.name, ...member.namespace.extra, tools: group });
    }
    group.push({ ...item, name: member.name });
  };
  tools.forEach((tool, index) => {
    const data = tool.kind === 'builtin' ? undefined : (tool.providerData?.['openai-responses'] as ResponsesToolData | undefined);
    // Declared by an `additional_tools` item, which goes back into `input` as it came.
    if (data?.inItem === true) return;
    switch (tool.kind) {
      case 'function': {
        const item: Item = { type: 'function', name: tool.name };
        if (tool.description !== undefined) item.description = tool.description;
        item.parameters = tool.parameters;
        // Responses defaults `strict` to true; a schema written for another format is rarely strict-compatible, so say false unless told.
        if (data?.shape?.strict === 'null') item.strict = null;
        else if (data?.shape?.strict !== 'absent' || tool.strict !== true) item.strict = tool.strict ?? false;
        push(tool.name, { ...item, ...data?.extra });
        break;
      }
      case 'custom': {
        const item: Item = { type: 'custom', name: tool.name };
        if (tool.description !== undefined) item.description = tool.description;
        if (tool.format !== undefined) item.format = tool.format;
        push(tool.name, { ...item, ...data?.extra });
        break;
      }
      case 'builtin':
        if (tool.format === 'openai-responses') result.push(tool.raw);
        else warnings?.push({ type: 'unsupported', path: `tools[${index}]`, message: `${tool.name} is a hosted tool of ${tool.format}; dropped` });
        break;
      default: {
        const unexpected: never = tool;
        throw new Error(`unknown tool kind ${String((unexpected as { kind?: unknown }).kind)}`);
      }
    }
  });
  return result;
}

export function encodeResponsesToolChoice(choice: ToolChoice | undefined, tools: ToolKinds): unknown {
  if (choice === undefined) return undefined;
  switch (choice.type) {
    case 'auto':
    case 'none':
    case 'required':
      return choice.type;
    case 'tool':
      return { type: tools.get(choice.name) === 'custom' ? 'custom' : 'function', name: choice.name };
    default: {
      const unexpected: never = choice;
      throw new Error(`unknown tool choice ${String((unexpected as { type?: unknown }).type)}`);
    }
  }
}

function encodeReasoning(request: CanonicalRequest, fromResponses: boolean, warnings: TranslationWarning[]): Item | undefined {
  const reasoning = request.reasoning;
  if (reasoning === undefined) return undefined;
  const result: Item = {};
  if (!reasoning.enabled) result.effort = 'none';
  else if (reasoning.effort !== undefined) result.effort = reasoning.effort;
  else if (reasoning.budgetTokens !== undefined) {
    result.effort = effortForBudget(reasoning.budgetTokens);
    warnings.push({ type: 'compatibility', path: 'reasoning.budgetTokens', message: `a thinking budget of ${reasoning.budgetTokens} tokens is sent as effort ${String(result.effort)}` });
  }
  const data = request.providerData?.['openai-responses'] as ResponsesRequestData | undefined;
  const generateSummary = data?.shape?.generateSummary === true;
  // Another format's client shows reasoning text as it streams; Responses sends none unless a summary is asked for.
  const summary = reasoning.summary ?? (!fromResponses && reasoning.enabled ? 'auto' : undefined);
  if (summary !== undefined) result[generateSummary ? 'generate_summary' : 'summary'] = summary;
  return data?.reasoningExtra === undefined ? result : { ...result, ...data.reasoningExtra };
}

export function encodeTextFormat(format: NonNullable<CanonicalRequest['responseFormat']>): ResponsesTextFormat {
  switch (format.type) {
    case 'text':
    case 'json_object':
      return { type: format.type };
    case 'json_schema': {
      const result: ResponsesTextFormat = { type: 'json_schema', name: format.name ?? 'response', schema: format.schema };
      if (format.strict !== undefined) result.strict = format.strict;
      return result;
    }
    default: {
      const unexpected: never = format;
      throw new Error(`unknown response format ${String((unexpected as { type?: unknown }).type)}`);
    }
  }
}

/** The text of a request that is one plain user message, for `input` sent back as a string. */
function plainUserText(request: CanonicalRequest): string | undefined {
  const only = request.messages.length === 1 ? request.messages[0] : undefined;
  const part = only?.role === 'user' && only.content.length === 1 ? only.content[0] : undefined;
  return part?.type === 'text' && part.providerData === undefined ? part.text : undefined;
}

import type { Translated } from '../../canonical/codec.js';
import type {
  AssistantPart,
  CanonicalMessage,
  CanonicalRequest,
  DocumentPart,
  ImagePart,
  ProviderData,
  ReasoningEffort,
  TextPart,
  ToolResultPart,
  TranslationWarning,
  UserPart,
} from '../../canonical/types.js';
import { foreignProviderDataWarnings } from '../shared/provider-data-warnings.js';
import { budgetForEffort } from '../shared/reasoning-effort.js';
import { customToolAsFunction, customToolWarning, parseJsonObject } from '../shared/tool-input.js';
import { refuseBoundParts } from '../shared/refuse-bound-parts.js';
import type { AnthropicMessageData, AnthropicPartData, AnthropicRequestData } from './provider-data.js';
import type {
  AnthropicContentBlock,
  AnthropicDocumentBlock,
  AnthropicEffort,
  AnthropicImageBlock,
  AnthropicMessageParam,
  AnthropicTextBlock,
  AnthropicThinkingConfig,
  AnthropicTool,
  AnthropicToolChoice,
  AnthropicToolResultBlock,
} from './wire-types.js';

/** Anthropic requires `max_tokens`; Chat and Responses clients may leave it out. */
const defaultMaxTokens = 16384;
/** Anthropic's smallest accepted `thinking.budget_tokens`. */
const minimumThinkingBudget = 1024;
const partDataShapeKeys = new Set(['shape', 'originalContent', 'originalSource']);

/**
 * Writes the canonical request as an Anthropic Messages request for
 * `upstreamModel`: consecutive same-role turns merged, tool results first in
 * their user turn, thinking blocks only with an Anthropic signature.
 */
export function encodeAnthropicRequest(request: CanonicalRequest, upstreamModel: string): Translated<Record<string, unknown>> {
  refuseBoundParts(request, 'anthropic');
  const warnings: TranslationWarning[] = [];
  const data = request.providerData?.anthropic as AnthropicRequestData | undefined;
  foreignProviderDataWarnings(request.providerData, 'anthropic', warnings);
  const fromAnthropic = data !== undefined;

  const body: Record<string, unknown> = { model: upstreamModel };
  const thinking = encodeThinking(request, data, warnings);
  body.max_tokens = thinking.maxTokens;
  const system = encodeSystem(request.system, data);
  if (system !== undefined) body.system = system;
  const reasoningDrops = { count: 0 };
  body.messages = encodeMessages(request.messages, warnings, reasoningDrops);
  if (reasoningDrops.count > 0) {
    warnings.push({
      type: 'unsupported',
      path: 'messages',
      message: `${reasoningDrops.count} reasoning part(s) without an Anthropic signature were dropped (Anthropic rejects thinking blocks it did not sign)`,
    });
  }
  if (request.system.length === 0 && body.system === undefined && data?.billingHeader !== undefined) body.system = [data.billingHeader];
  if ((thinking.config?.type === 'enabled' || thinking.config?.type === 'adaptive') && lastToolTurnLacksThinking(body.messages as AnthropicMessageParam[])) {
    // Anthropic rejects a tool loop with thinking on whose last assistant turn does not open with a
    // signed thinking block; a history from another provider (or another route) has none to give.
    warnings.push({ type: 'unsupported', path: 'reasoning', message: 'thinking was turned off for this turn: the last assistant tool turn has no Anthropic-signed thinking block (its history came from another provider)' });
    thinking.config = undefined;
  }

  const tools = encodeTools(request, warnings);
  if (tools.length > 0) body.tools = tools;
  const toolChoice = encodeToolChoice(request, tools.length > 0, warnings);
  if (toolChoice !== undefined) body.tool_choice = toolChoice;
  if (thinking.config !== undefined) body.thinking = thinking.config;

  if (request.stopSequences !== undefined) body.stop_sequences = request.stopSequences;
  encodeSampling(request, body, thinking.config?.type === 'enabled' || thinking.config?.type === 'adaptive', fromAnthropic, warnings);

  const outputConfig = encodeOutputConfig(request, data, warnings);
  if (outputConfig !== undefined) body.output_config = outputConfig;
  if (request.user !== undefined || data?.metadata !== undefined) body.metadata = { ...data?.metadata, ...(request.user === undefined ? {} : { user_id: request.user }) };
  if (request.promptCacheKey !== undefined) warnings.push({ type: 'unsupported', path: 'prompt_cache_key', message: 'Anthropic has no prompt_cache_key (it caches at cache_control breakpoints); dropped' });
  if (request.stream) body.stream = true;
  else if (data?.shape?.streamFalse) body.stream = false;
  if (data?.extra !== undefined) {
    for (const key in data.extra) if (key !== 'output_config') body[key] = data.extra[key];
  }
  return { value: body, warnings };
}

function encodeSystem(system: TextPart[], data: AnthropicRequestData | undefined): string | AnthropicTextBlock[] | undefined {
  if (system.length === 0) return undefined;
  const only = system[0];
  if (data?.shape?.systemString && system.length === 1 && only !== undefined && only.providerData?.anthropic === undefined && data.billingHeader === undefined) {
    return only.text;
  }
  const blocks = system.map(encodeTextBlock);
  if (data?.billingHeader !== undefined) blocks.unshift(data.billingHeader);
  return blocks;
}

function encodeTextBlock(part: TextPart): AnthropicTextBlock {
  return { type: 'text', text: part.text, ...blockExtras(part.providerData) };
}

/** The Anthropic block fields a part carried through canonical (cache_control, citations…). */
function blockExtras(providerData: ProviderData | undefined): Record<string, unknown> {
  const data = providerData?.anthropic;
  if (data === undefined) return {};
  const extras: Record<string, unknown> = {};
  for (const key in data) if (!partDataShapeKeys.has(key)) extras[key] = data[key];
  return extras;
}

function encodeMessages(messages: CanonicalMessage[], warnings: TranslationWarning[], reasoningDrops: { count: number }): AnthropicMessageParam[] {
  const result: AnthropicMessageParam[] = [];
  messages.forEach((message, index) => {
    const path = `messages[${index}]`;
    const blocks = encodeMessageBlocks(message, path, warnings, reasoningDrops);
    if (blocks.length === 0) return;
    const previous = result[result.length - 1];
    if (previous !== undefined && previous.role === message.role) {
      previous.content = mergeBlocks(previous.content, blocks, message.role);
      return;
    }
    const stringContent = (message.providerData?.anthropic as AnthropicMessageData | undefined)?.shape?.stringContent === true;
    const only = blocks[0];
    if (stringContent && blocks.length === 1 && only?.type === 'text' && Object.keys(only).length === 2) result.push({ role: message.role, content: only.text });
    else result.push({ role: message.role, content: blocks });
  });
  return placeSystemMessages(result, warnings);
}

function mergeBlocks(previous: string | AnthropicContentBlock[], next: AnthropicContentBlock[], role: CanonicalMessage['role']): AnthropicContentBlock[] {
  const merged: AnthropicContentBlock[] = typeof previous === 'string' ? [{ type: 'text', text: previous }, ...next] : [...previous, ...next];
  return role === 'user' ? toolResultsFirst(merged) : merged;
}

/** Anthropic wants a user turn's tool_result blocks before any other block. */
function toolResultsFirst(blocks: AnthropicContentBlock[]): AnthropicContentBlock[] {
  const results: AnthropicContentBlock[] = [];
  const others: AnthropicContentBlock[] = [];
  for (const block of blocks) (block.type === 'tool_result' ? results : others).push(block);
  return results.length === 0 || others.length === 0 ? blocks : [...results, ...others];
}

/**
 * A mid-conversation system message must follow a user turn and be last or
 * followed by an assistant turn. One that does not fit (a Chat `developer`
 * message before a user message) is folded into the next user turn as text.
 */
function placeSystemMessages(messages: AnthropicMessageParam[], warnings: TranslationWarning[]): AnthropicMessageParam[] {
  if (!messages.some((message) => message.role === 'system')) return messages;
  const result: AnthropicMessageParam[] = [];
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index]!;
    if (message.role !== 'system') {
      result.push(message);
      continue;
    }
    const previous = result[result.length - 1];
    const next = messages[index + 1];
    if (previous?.role === 'user' && (next === undefined || next.role === 'assistant')) {
      result.push(message);
      continue;
    }
    warnings.push({ type: 'compatibility', path: 'messages', message: 'a system message where Anthropic does not accept one was sent as user text' });
    const text: AnthropicContentBlock[] = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
    if (next?.role === 'user') {
      next.content = toolResultsFirst([...text, ...(typeof next.content === 'string' ? [{ type: 'text' as const, text: next.content }] : next.content)]);
    } else if (previous?.role === 'user') {
      previous.content = [...(typeof previous.content === 'string' ? [{ type: 'text' as const, text: previous.content }] : previous.content), ...text];
    } else {
      result.push({ role: 'user', content: text });
    }
  }
  return result;
}

function encodeMessageBlocks(message: CanonicalMessage, path: string, warnings: TranslationWarning[], reasoningDrops: { count: number }): AnthropicContentBlock[] {
  switch (message.role) {
    case 'system':
      return message.content.map(encodeTextBlock);
    case 'user':
      return toolResultsFirst(message.content.flatMap((part, index) => encodeUserPart(part, `${path}.content[${index}]`, warnings)));
    case 'assistant':
      return message.content.flatMap((part, index) => encodeAssistantPart(part, `${path}.content[${index}]`, warnings, reasoningDrops));
    default: {
      const unexpected: never = message;
      throw new Error(`unknown message role ${JSON.stringify(unexpected)}`);
    }
  }
}

function encodeUserPart(part: UserPart, path: string, warnings: TranslationWarning[]): AnthropicContentBlock[] {
  switch (part.type) {
    case 'text':
      return part.text.length === 0 ? [] : [encodeTextBlock(part)];
    case 'image':
      return [encodeImage(part, path, warnings)];
    case 'document': {
      const document = encodeDocument(part, path, warnings);
      return document === undefined ? [] : [document];
    }
    case 'tool-result':
      return [encodeToolResult(part, path, warnings)];
    default: {
      const unexpected: never = part;
      throw new Error(`unknown user part ${JSON.stringify(unexpected)}`);
    }
  }
}

function encodeImage(part: ImagePart, path: string, warnings: TranslationWarning[]): AnthropicImageBlock {
  if (part.detail !== undefined && part.detail !== 'auto') warnings.push({ type: 'unsupported', path: `${path}.detail`, message: 'Anthropic has no image detail level; dropped' });
  const source = part.source.kind === 'base64' ? { type: 'base64' as const, media_type: part.source.mediaType, data: part.source.data } : { type: 'url' as const, url: part.source.url };
  return { type: 'image', source, ...blockExtras(part.providerData) };
}

function encodeDocument(part: DocumentPart, path: string, warnings: TranslationWarning[]): AnthropicDocumentBlock | undefined {
  const data = part.providerData?.anthropic as AnthropicPartData | undefined;
  let source: AnthropicDocumentBlock['source'];
  if (data?.originalSource !== undefined) source = data.originalSource as AnthropicDocumentBlock['source'];
  else if (part.source.kind === 'url') source = { type: 'url', url: part.source.url };
  else if (part.source.kind === 'text') source = { type: 'text', media_type: 'text/plain', data: part.source.data };
  else if (part.source.mediaType === 'application/pdf') source = { type: 'base64', media_type: part.source.mediaType, data: part.source.data };
  else if (part.source.mediaType.startsWith('text/')) source = { type: 'text', media_type: 'text/plain', data: Buffer.from(part.source.data, 'base64').toString('utf8') };
  else {
    warnings.push({ type: 'unsupported', path, message: `Anthropic documents are PDF or plain text; a ${part.source.mediaType} file was dropped` });
    return undefined;
  }
  const block: AnthropicDocumentBlock = { type: 'document', source, ...blockExtras(part.providerData) };
  const title = part.title ?? part.filename;
  if (title !== undefined) block.title = title;
  return block;
}

function encodeToolResult(part: ToolResultPart, path: string, warnings: TranslationWarning[]): AnthropicToolResultBlock {
  const data = part.providerData?.anthropic as AnthropicPartData | undefined;
  const block: AnthropicToolResultBlock = { type: 'tool_result', tool_use_id: anthropicToolId(part.toolCallId) };
  const only = part.content[0];
  if (data?.originalContent !== undefined) block.content = data.originalContent as AnthropicToolResultBlock['content'];
  else if (data?.shape?.stringContent && part.content.length === 1 && only?.type === 'text') block.content = only.text;
  else if (part.content.length > 0) block.content = part.content.map((inner, index) => (inner.type === 'text' ? encodeTextBlock(inner) : encodeImage(inner, `${path}.content[${index}]`, warnings)));
  if (part.isError === true) block.is_error = true;
  else if (data?.shape?.isErrorFalse) block.is_error = false;
  return { ...block, ...blockExtras(part.providerData) };
}

function encodeAssistantPart(part: AssistantPart, path: string, warnings: TranslationWarning[], reasoningDrops: { count: number }): AnthropicContentBlock[] {
  switch (part.type) {
    case 'text':
      // Anthropic rejects empty text blocks.
      return part.text.length === 0 ? [] : [encodeTextBlock(part)];
    case 'reasoning':
      if (part.redacted !== undefined) return [{ type: 'redacted_thinking', data: part.redacted }];
      if (part.signature?.format === 'anthropic') return [{ type: 'thinking', thinking: part.text, signature: part.signature.value }];
      reasoningDrops.count++;
      return [];
    case 'tool-call': {
      let input: unknown;
      if (part.kind === 'custom') input = { input: part.input };
      else {
        input = parseJsonObject(part.input);
        if (input === undefined) {
          warnings.push({ type: 'compatibility', path: `${path}.input`, message: 'tool-call arguments are not a JSON object; sent as {}' });
          input = {};
        }
      }
      return [{ type: 'tool_use', id: anthropicToolId(part.id), name: part.name, input, ...blockExtras(part.providerData) }];
    }
    case 'refusal':
      warnings.push({ type: 'compatibility', path, message: 'Anthropic has no refusal block; the refusal was sent as text' });
      return part.text.length === 0 ? [] : [{ type: 'text', text: part.text }];
    default: {
      const unexpected: never = part;
      throw new Error(`unknown assistant part ${JSON.stringify(unexpected)}`);
    }
  }
}

/**
 * Anthropic tool ids must match ^[a-zA-Z0-9_-]+$; some OpenAI-compatible
 * servers (Kimi: `functions.get_weather:0`) use other characters. The same
 * replacement on tool_use and tool_result keeps the pair linked.
 */
function anthropicToolId(id: string): string {
  let safe = '';
  for (let index = 0; index < id.length; index++) {
    const code = id.charCodeAt(index);
    const allowed = (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 45;
    safe += allowed ? id[index] : '_';
  }
  return safe.length === 0 ? 'toolu_empty' : safe;
}

function encodeTools(request: CanonicalRequest, warnings: TranslationWarning[]): AnthropicTool[] {
  const tools: AnthropicTool[] = [];
  request.tools.forEach((tool, index) => {
    switch (tool.kind) {
      case 'function': {
        const encoded: AnthropicTool = { name: tool.name, input_schema: objectSchema(tool.parameters) };
        if (tool.description !== undefined) encoded.description = tool.description;
        if (tool.strict !== undefined) encoded.strict = tool.strict;
        tools.push({ ...encoded, ...tool.providerData?.anthropic });
        return;
      }
      case 'custom': {
        warnings.push(customToolWarning(tool, index));
        const { description, parameters } = customToolAsFunction(tool);
        tools.push(description === undefined ? { name: tool.name, input_schema: parameters } : { name: tool.name, description, input_schema: parameters });
        return;
      }
      case 'builtin':
        if (tool.format === 'anthropic') tools.push(tool.raw as AnthropicTool);
        else warnings.push({ type: 'unsupported', path: `tools[${index}]`, message: `${tool.format} built-in tool ${tool.name} has no Anthropic equivalent; dropped` });
        return;
      default: {
        const unexpected: never = tool;
        throw new Error(`unknown tool kind ${JSON.stringify(unexpected)}`);
      }
    }
  });
  return tools;
}

/** Anthropic insists on `type: "object"` at the top of input_schema; Chat tools may send `{}`. */
function objectSchema(parameters: Record<string, unknown>): Record<string, unknown> {
  return parameters.type === 'object' ? parameters : { type: 'object', properties: {}, ...parameters };
}

function encodeToolChoice(request: CanonicalRequest, hasTools: boolean, warnings: TranslationWarning[]): AnthropicToolChoice | undefined {
  const choice = request.toolChoice;
  if (choice === undefined && request.parallelToolCalls === undefined) return undefined;
  if (!hasTools) {
    if (choice !== undefined && choice.type !== 'auto' && choice.type !== 'none') warnings.push({ type: 'unsupported', path: 'tool_choice', message: 'tool_choice without tools; dropped' });
    return undefined;
  }
  const parallel = request.parallelToolCalls === undefined ? {} : { disable_parallel_tool_use: !request.parallelToolCalls };
  switch (choice?.type) {
    case undefined:
    case 'auto':
      return { type: 'auto', ...parallel };
    case 'required':
      return { type: 'any', ...parallel };
    case 'none':
      return { type: 'none' };
    case 'tool':
      return { type: 'tool', name: choice.name, ...parallel };
    default: {
      const unexpected: never = choice;
      throw new Error(`unknown tool choice ${JSON.stringify(unexpected)}`);
    }
  }
}

/** True when the last assistant turn calls a tool but does not start with a thinking block. */
function lastToolTurnLacksThinking(messages: AnthropicMessageParam[]): boolean {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index]!;
    if (message.role !== 'assistant') continue;
    if (typeof message.content === 'string') return false;
    const first = message.content[0];
    const callsTool = message.content.some((block) => block.type === 'tool_use');
    return callsTool && first?.type !== 'thinking' && first?.type !== 'redacted_thinking';
  }
  return false;
}

/**
 * `thinking` and the `max_tokens` that goes with it. Anthropic needs
 * budget_tokens >= 1024 and < max_tokens; a budget that does not fit is
 * lowered (or thinking dropped) with a warning, never silently.
 */
function encodeThinking(
  request: CanonicalRequest,
  data: AnthropicRequestData | undefined,
  warnings: TranslationWarning[],
): { config: AnthropicThinkingConfig | undefined; maxTokens: number } {
  const reasoning = request.reasoning;
  let maxTokens = request.maxOutputTokens;
  const display = data?.thinkingDisplay === undefined ? {} : { display: data.thinkingDisplay };
  let config: AnthropicThinkingConfig | undefined;
  if (reasoning !== undefined) {
    if (!reasoning.enabled) config = { type: 'disabled' };
    else if (data?.shape?.thinking === 'adaptive') config = { type: 'adaptive', ...display };
    else if (data === undefined || data.shape?.thinking === 'enabled') {
      const budget = reasoning.budgetTokens ?? budgetForEffort(reasoning.effort ?? 'medium');
      config = { type: 'enabled', budget_tokens: budget, ...display };
    }
  }
  if (maxTokens === undefined) {
    maxTokens = config?.type === 'enabled' ? config.budget_tokens + defaultMaxTokens : defaultMaxTokens;
    warnings.push({ type: 'compatibility', path: 'max_tokens', message: `Anthropic requires max_tokens; the request had none, so ${maxTokens} was sent` });
  }
  if (config?.type === 'enabled' && config.budget_tokens >= maxTokens) {
    const budget = maxTokens - 1;
    if (budget < minimumThinkingBudget) {
      warnings.push({ type: 'unsupported', path: 'reasoning', message: `max_tokens ${maxTokens} leaves no room for Anthropic's minimum thinking budget; thinking was not enabled` });
      config = undefined;
    } else {
      warnings.push({ type: 'compatibility', path: 'reasoning.budgetTokens', message: `thinking budget ${config.budget_tokens} lowered to ${budget} to stay below max_tokens` });
      config = { ...config, budget_tokens: budget };
    }
  }
  return { config, maxTokens };
}

/**
 * Anthropic rejects temperature and top_k changes while thinking, and top_p
 * below 0.95. For requests from other formats they are dropped with a
 * warning; an Anthropic client's own request is left as sent.
 */
function encodeSampling(request: CanonicalRequest, body: Record<string, unknown>, thinking: boolean, fromAnthropic: boolean, warnings: TranslationWarning[]): void {
  const strip = thinking && !fromAnthropic;
  if (request.temperature !== undefined) {
    if (strip && request.temperature !== 1) warnings.push({ type: 'unsupported', path: 'temperature', message: 'Anthropic does not accept temperature with thinking; dropped' });
    else body.temperature = request.temperature;
  }
  if (request.topP !== undefined) {
    if (strip && request.topP < 0.95) warnings.push({ type: 'unsupported', path: 'top_p', message: 'Anthropic accepts top_p >= 0.95 with thinking; dropped' });
    else body.top_p = request.topP;
  }
  if (request.topK !== undefined) {
    if (strip) warnings.push({ type: 'unsupported', path: 'top_k', message: 'Anthropic does not accept top_k with thinking; dropped' });
    else body.top_k = request.topK;
  }
}

function encodeOutputConfig(request: CanonicalRequest, data: AnthropicRequestData | undefined, warnings: TranslationWarning[]): Record<string, unknown> | undefined {
  const config: Record<string, unknown> = { ...(data?.extra?.output_config as Record<string, unknown> | undefined) };
  const effort = request.reasoning?.effort;
  if (effort !== undefined && data?.shape?.outputConfigEffort) config.effort = anthropicEffort(effort);
  const format = request.responseFormat;
  if (format?.type === 'json_schema') config.format = { type: 'json_schema', schema: format.schema };
  else if (format?.type === 'json_object') warnings.push({ type: 'unsupported', path: 'response_format', message: 'Anthropic has no schema-less JSON mode; dropped' });
  return Object.keys(config).length === 0 ? undefined : config;
}

function anthropicEffort(effort: ReasoningEffort): AnthropicEffort {
  switch (effort) {
    case 'minimal':
    case 'low':
      return 'low';
    case 'medium':
      return 'medium';
    case 'high':
      return 'high';
    case 'xhigh':
      return 'max';
    default: {
      const unexpected: never = effort;
      throw new Error(`unknown effort ${String(unexpected)}`);
    }
  }
}

import type { StreamError, StreamPart } from './stream.js';
import type { AssistantPart, CanonicalResponse, FinishReason, ProviderData, ReasoningPart, ToolCallPart, Usage } from './types.js';

/**
 * Folds canonical stream parts into the one message they describe, the way
 * the official SDKs' `finalMessage()` reducers do, so a streamed answer is
 * traced as one assembled response instead of as chunks.
 */
export interface StreamAccumulator {
  push(part: StreamPart): void;
  /**
   * The response assembled so far; undefined until any part arrived. Callable
   * at any time (a client that went away leaves a partial answer): without a
   * `finish` part the finish reason is `incomplete`, with raw = the error type
   * after an `error` part, else `incomplete`.
   */
  result(): CanonicalResponse | undefined;
  /** The stream's first `error` part, if one arrived. */
  readonly error: StreamError | undefined;
}

type OpenBlock =
  | { type: 'text'; text: string; providerData?: ProviderData }
  | { type: 'reasoning'; text: string; signature?: ReasoningPart['signature']; redacted?: string; providerData?: ProviderData }
  | { type: 'tool-call'; id: string; name: string; kind: ToolCallPart['kind']; input: string; providerData?: ProviderData }
  | { type: 'refusal'; text: string };

export function createStreamAccumulator(): StreamAccumulator {
  let started = false;
  let id = '';
  let model = '';
  let providerData: ProviderData | undefined;
  let usage: Partial<Usage> | undefined;
  let finishReason: FinishReason | undefined;
  let streamError: StreamError | undefined;
  // Blocks by index: deltas of two blocks may interleave (OpenAI parallel tool calls), so keep every block open until result().
  const blocks = new Map<number, OpenBlock>();

  const mergeUsage = (more: Partial<Usage> | undefined): void => {
    if (more) usage = { ...usage, ...more };
  };
  const mergeProviderData = (more: ProviderData | undefined): void => {
    if (!more) return;
    providerData ??= {};
    for (const format of Object.keys(more) as Array<keyof ProviderData>) {
      providerData[format] = { ...providerData[format], ...more[format] };
    }
  };
  // A delta without its start (some upstreams skip it) still opens a block rather than being lost.
  const block = <T extends OpenBlock['type']>(index: number, type: T, open: () => Extract<OpenBlock, { type: T }>): Extract<OpenBlock, { type: T }> | undefined => {
    const existing = blocks.get(index);
    if (existing === undefined) {
      const created = open();
      blocks.set(index, created);
      return created;
    }
    return existing.type === type ? (existing as Extract<OpenBlock, { type: T }>) : undefined;
  };
  const openText = (): Extract<OpenBlock, { type: 'text' }> => ({ type: 'text', text: '' });
  const openReasoning = (): Extract<OpenBlock, { type: 'reasoning' }> => ({ type: 'reasoning', text: '' });
  const openToolCall = (): Extract<OpenBlock, { type: 'tool-call' }> => ({ type: 'tool-call', id: '', name: '', kind: 'function', input: '' });
  const openRefusal = (): Extract<OpenBlock, { type: 'refusal' }> => ({ type: 'refusal', text: '' });

  const push = (part: StreamPart): void => {
    started = true;
    switch (part.type) {
      case 'response-start':
        id = part.id;
        model = part.model;
        mergeUsage(part.usage);
        mergeProviderData(part.providerData);
        return;
      case 'text-start': {
        const text = openText();
        if (part.providerData) text.providerData = part.providerData;
        blocks.set(part.index, text);
        return;
      }
      case 'text-delta': {
        const text = block(part.index, 'text', openText);
        if (text) text.text += part.text;
        return;
      }
      case 'reasoning-start': {
        const reasoning = openReasoning();
        if (part.redacted !== undefined) reasoning.redacted = part.redacted;
        if (part.providerData) reasoning.providerData = part.providerData;
        blocks.set(part.index, reasoning);
        return;
      }
      case 'reasoning-delta': {
        const reasoning = block(part.index, 'reasoning', openReasoning);
        if (reasoning) reasoning.text += part.text;
        return;
      }
      case 'reasoning-signature': {
        const reasoning = block(part.index, 'reasoning', openReasoning);
        if (!reasoning) return;
        // Anthropic sends the whole signature in one `signature_delta`; a later one replaces it.
        reasoning.signature = part.signature;
        return;
      }
      case 'tool-call-start': {
        const call = openToolCall();
        call.id = part.id;
        call.name = part.name;
        call.kind = part.kind;
        if (part.providerData) call.providerData = part.providerData;
        blocks.set(part.index, call);
        return;
      }
      case 'tool-call-delta': {
        const call = block(part.index, 'tool-call', openToolCall);
        if (call) call.input += part.inputDelta;
        return;
      }
      case 'refusal-delta': {
        const refusal = block(part.index, 'refusal', openRefusal);
        if (refusal) refusal.text += part.text;
        return;
      }
      case 'text-end':
      case 'reasoning-end':
      case 'tool-call-end':
        return;
      case 'usage':
        mergeUsage(part.usage);
        return;
      case 'finish':
        finishReason = part.finishReason;
        mergeUsage(part.usage);
        mergeProviderData(part.providerData);
        return;
      case 'error':
        // The first error is the cause; a decoder may add "ended before its terminal event" after it.
        streamError ??= part.error;
        return;
      default: {
        const unhandled: never = part;
        throw new Error(`unhandled stream part ${JSON.stringify(unhandled)}`);
      }
    }
  };

  const result = (): CanonicalResponse | undefined => {
    if (!started) return undefined;
    const content: AssistantPart[] = [...blocks.entries()].sort(([a], [b]) => a - b).map(([, open]) => toAssistantPart(open));
    const response: CanonicalResponse = { id, model, content, finishReason: finishReason ?? unfinishedReason(streamError) };
    if (usage) response.usage = completeUsage(usage);
    if (providerData) response.providerData = providerData;
    return response;
  };

  return {
    push,
    result,
    get error() {
      return streamError;
    },
  };
}

function toAssistantPart(open: OpenBlock): AssistantPart {
  switch (open.type) {
    case 'text':
      return open.providerData ? { type: 'text', text: open.text, providerData: open.providerData } : { type: 'text', text: open.text };
    case 'reasoning': {
      const part: ReasoningPart = { type: 'reasoning', text: open.text };
      if (open.signature) part.signature = open.signature;
      if (open.redacted !== undefined) part.redacted = open.redacted;
      if (open.providerData) part.providerData = open.providerData;
      return part;
    }
    case 'tool-call': {
      const part: ToolCallPart = { type: 'tool-call', id: open.id, name: open.name, kind: open.kind, input: open.input };
      if (open.providerData) part.providerData = open.providerData;
      return part;
    }
    case 'refusal':
      return { type: 'refusal', text: open.text };
    default: {
      const unhandled: never = open;
      throw new Error(`unhandled block ${JSON.stringify(unhandled)}`);
    }
  }
}

function unfinishedReason(error: StreamError | undefined): FinishReason {
  return { unified: 'incomplete', raw: error ? error.type : 'incomplete' };
}

function completeUsage(partial: Partial<Usage>): Usage {
  const usage: Usage = { inputTokens: partial.inputTokens ?? 0, outputTokens: partial.outputTokens ?? 0 };
  if (partial.cacheReadTokens !== undefined) usage.cacheReadTokens = partial.cacheReadTokens;
  if (partial.cacheWriteTokens !== undefined) usage.cacheWriteTokens = partial.cacheWriteTokens;
  if (partial.cacheWrite1hTokens !== undefined) usage.cacheWrite1hTokens = partial.cacheWrite1hTokens;
  if (partial.reasoningTokens !== undefined) usage.reasoningTokens = partial.reasoningTokens;
  return usage;
}

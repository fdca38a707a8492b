import type { EncodeContext, StreamEncoder } from '../../canonical/codec.js';
import type { StreamPart } from '../../canonical/stream.js';
import type { Usage } from '../../canonical/types.js';
import { formatSseEvent } from '../../sse/format-sse-event.js';
import { generateId } from '../shared/generate-id.js';
import { customInputJsonClosing, customInputJsonOpening, escapeJsonStringFragment } from '../shared/tool-input.js';
import { encodeChatErrorPayload } from './encode-error.js';
import { encodeChatFinishReason } from './map-finish-reason.js';
import { encodeChatUsage } from './map-usage.js';
import type { ChatRequestData } from './provider-data.js';
import type { ChatDelta } from './wire-types.js';

/**
 * Writes canonical parts as a Chat Completions chunk stream: stable
 * id/created/model on every chunk, `role` in the first delta, tool calls
 * numbered 0, 1… in start order with id and name in their first fragment, a
 * finish chunk, the usage chunk when the client asked for
 * `stream_options.include_usage`, then `[DONE]`. An error ends the stream
 * with an `{"error": …}` chunk and no `[DONE]`, as OpenAI does.
 */
export function createChatStreamEncoder(context: EncodeContext, emit: (frame: string) => void): StreamEncoder {
  const includeUsage = (context.request.providerData?.['openai-chat'] as ChatRequestData | undefined)?.streamOptions?.include_usage === true;
  /** Canonical block index -> { Chat tool-call index, custom }. */
  const toolCalls = new Map<number, { index: number; custom: boolean }>();
  let id = '';
  let created = 0;
  let started = false;
  let done = false;
  let usage: Partial<Usage> | undefined;

  // Built once per stream so each chunk is one JSON.stringify of a small object; the prefix is spliced in as text.
  let prefix = '';
  const chunk = (delta: ChatDelta, finishReason: string | null = null): void => {
    const choice = `{"index":0,"delta":${JSON.stringify(delta)},"logprobs":null,"finish_reason":${finishReason === null ? 'null' : JSON.stringify(finishReason)}}`;
    emit(formatSseEvent(`${prefix}"choices":[${choice}]${includeUsage ? ',"usage":null' : ''}}`));
  };

  const start = (sourceId: string | undefined, providerCreated: unknown): void => {
    started = true;
    id = sourceId !== undefined && sourceId.startsWith('chatcmpl') ? sourceId : generateId('chatcmpl-');
    created = typeof providerCreated === 'number' ? providerCreated : Math.floor(Date.now() / 1000);
    prefix = `{"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(context.clientModel)},`;
    chunk({ role: 'assistant', content: '' });
  };

  const toolCallStart = (part: Extract<StreamPart, { type: 'tool-call-start' }>): void => {
    const entry = { index: toolCalls.size, custom: part.kind === 'custom' };
    toolCalls.set(part.index, entry);
    const callId = part.id.length > 0 ? part.id : generateId('call_');
    chunk({ tool_calls: [{ index: entry.index, id: callId, type: 'function', function: { name: part.name, arguments: entry.custom ? customInputJsonOpening : '' } }] });
  };

  const toolArguments = (canonicalIndex: number, fragment: string, closing = false): void => {
    const entry = toolCalls.get(canonicalIndex);
    if (entry === undefined) return;
    let text = fragment;
    if (entry.custom) text = closing ? customInputJsonClosing : escapeJsonStringFragment(fragment);
    if (text.length > 0) chunk({ tool_calls: [{ index: entry.index, function: { arguments: text } }] });
  };

  const finish = (part: Extract<StreamPart, { type: 'finish' }>): void => {
    chunk({}, encodeChatFinishReason(part.finishReason, toolCalls.size > 0));
    const finalUsage = part.usage ?? (usage?.inputTokens !== undefined ? { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens ?? 0, ...usage } : undefined);
    if (includeUsage && finalUsage !== undefined) {
      emit(formatSseEvent(`${prefix}"choices":[],"usage":${JSON.stringify(encodeChatUsage(finalUsage))}}`));
    }
    emit(formatSseEvent('[DONE]'));
  };

  return {
    push(part: StreamPart) {
      if (done) return;
      if (part.type === 'error') {
        done = true;
        emit(formatSseEvent(JSON.stringify(encodeChatErrorPayload(part.error.type, part.error.status, part.error.message, part.error.code))));
        return;
      }
      if (!started) start(part.type === 'response-start' ? part.id : undefined, part.type === 'response-start' ? part.providerData?.['openai-chat']?.created : undefined);
      switch (part.type) {
        case 'response-start':
          if (part.usage !== undefined) usage = { ...usage, ...part.usage };
          return;
        case 'usage':
          usage = { ...usage, ...part.usage };
          return;
        case 'text-delta':
          if (part.text.length > 0) chunk({ content: part.text });
          return;
        case 'reasoning-delta':
          if (part.text.length > 0) chunk({ reasoning_content: part.text });
          return;
        case 'refusal-delta':
          if (part.text.length > 0) chunk({ refusal: part.text });
          return;
        case 'tool-call-start':
          toolCallStart(part);
          return;
        case 'tool-call-delta':
          toolArguments(part.index, part.inputDelta);
          return;
        case 'tool-call-end':
          toolArguments(part.index, '', true);
          return;
        case 'text-start':
        case 'text-end':
        case 'reasoning-start':
        case 'reasoning-end':
        case 'reasoning-signature':
          // Chat has no block boundaries and no place for signatures or redacted reasoning.
          return;
        case 'finish':
          done = true;
          finish(part);
          return;
        default: {
          const unexpected: never = part;
          throw new Error(`unknown stream part ${JSON.stringify(unexpected)}`);
        }
      }
    },
  };
}

import type { FinishReason, ProviderData, ToolCallPart, Usage } from './types.js';

/**
 * One event of a response stream in canonical form. Content blocks are
 * numbered by `index` in the order they start (0, 1, 2...); a writer that
 * must close one block before the next (Anthropic) relies on readers never
 * interleaving deltas of two open blocks, or reorders them itself.
 */
export type StreamPart =
  | { type: 'response-start'; id: string; model: string; usage?: Partial<Usage>; providerData?: ProviderData }
  | { type: 'text-start'; index: number; providerData?: ProviderData }
  | { type: 'text-delta'; index: number; text: string }
  | { type: 'text-end'; index: number }
  | { type: 'reasoning-start'; index: number; redacted?: string; providerData?: ProviderData }
  | { type: 'reasoning-delta'; index: number; text: string }
  | { type: 'reasoning-signature'; index: number; signature: { format: 'anthropic' | 'openai-chat' | 'openai-responses'; value: string } }
  | { type: 'reasoning-end'; index: number }
  | { type: 'tool-call-start'; index: number; id: string; name: string; kind: ToolCallPart['kind']; providerData?: ProviderData }
  | { type: 'tool-call-delta'; index: number; inputDelta: string }
  | { type: 'tool-call-end'; index: number }
  | { type: 'refusal-delta'; index: number; text: string }
  /** Usage known before the end (Anthropic `message_start` input tokens). */
  | { type: 'usage'; usage: Partial<Usage> }
  /** The last part of a successful stream. */
  | { type: 'finish'; finishReason: FinishReason; usage?: Usage; providerData?: ProviderData }
  /** The stream failed; nothing follows. */
  | { type: 'error'; error: StreamError };

export interface StreamError {
  /** Error type in Anthropic's vocabulary (`overloaded_error`, `api_error`...); writers map it. */
  type: string;
  message: string;
  /** The gateway error code, when the gateway produced it. */
  code?: string;
  status?: number;
}

/** One server-sent event as decoded from bytes; knows no API format. */
export interface SseEvent {
  event?: string;
  data: string;
  id?: string;
}

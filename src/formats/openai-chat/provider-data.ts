/**
 * What the Chat Completions reader keeps in `providerData['openai-chat']`
 * for the Chat writer. Other writers ignore it (and name the request-level
 * fields in a warning, see foreignProviderDataWarnings).
 */
export interface ChatRequestData {
  /** Top-level request fields the canonical model has no place for (`seed`, `n`, `logprobs`, `prompt_cache_key`, DeepSeek `thinking`…). */
  extra?: Record<string, unknown>;
  /** The client's `stream_options`; `include_usage` decides whether the client gets a usage chunk. */
  streamOptions?: { include_usage?: boolean; [field: string]: unknown };
  /** Round-trip flags, not fields. */
  shape?: {
    /** The limit came as the legacy `max_tokens` (DeepSeek and many OpenAI-compatible servers read only that one). */
    maxTokensField?: 'max_tokens';
    stopString?: boolean;
    /** `reasoning_effort: "none"`. */
    reasoningEffortNone?: boolean;
    streamFalse?: boolean;
  };
}

/** `providerData['openai-chat']` of a message, or of a leading system/developer text part. */
export interface ChatMessageData {
  role?: 'system' | 'developer';
  name?: string;
  /** Which leading system/developer message a system text part came from. */
  group?: number;
  /** The assistant's reasoning came in `reasoning` rather than `reasoning_content`. */
  reasoningField?: 'reasoning';
  shape?: {
    /** Content was an array of parts, not a string. */
    arrayContent?: boolean;
    /** An assistant message without text had `content: ""` or no `content`, rather than null. */
    emptyContent?: 'string' | 'absent';
  };
}

/** `providerData['openai-chat']` of a response. */
export interface ChatResponseData {
  created?: number;
  systemFingerprint?: string;
  serviceTier?: unknown;
  /** Usage fields beyond the mapped counts (`audio_tokens`, DeepSeek cache counters…), to write back as they came. */
  usage?: Record<string, unknown>;
}

/**
 * The canonical model every wire format is read into and written from. One
 * reader and one writer per format (src/formats/<format>/) instead of a
 * converter per pair. Anything a format has that this model does not carry is
 * either kept in `providerData` (for the same family to read back) or dropped
 * with a `TranslationWarning`, never silently.
 *
 * Additive changes only: new optional fields, new union members handled by
 * every writer (each switch ends in a `never` check).
 */

/** The three wire formats a client or a provider can speak. */
export type WireFormat = 'anthropic' | 'openai-chat' | 'openai-responses';

/** Data that only one wire format understands, kept beside the canonical value and read back only by that format's writer. */
export type ProviderData = Partial<Record<WireFormat, Record<string, unknown>>>;

export interface TranslationWarning {
  /** `unsupported`: dropped because the target cannot express it; `compatibility`: changed to the nearest equivalent. */
  type: 'unsupported' | 'compatibility';
  /** Field or item path in the source, e.g. `tools[2]`, `thinking.budget_tokens`. */
  path: string;
  message: string;
}

// ---------------------------------------------------------------- content

export interface TextPart {
  type: 'text';
  text: string;
  providerData?: ProviderData;
}

export interface ImagePart {
  type: 'image';
  source: { kind: 'base64'; mediaType: string; data: string } | { kind: 'url'; url: string };
  /** OpenAI `detail`. */
  detail?: 'auto' | 'low' | 'high';
  providerData?: ProviderData;
}

export interface DocumentPart {
  type: 'document';
  source:
    | { kind: 'base64'; mediaType: string; data: string }
    | { kind: 'url'; url: string }
    | { kind: 'text'; mediaType: string; data: string };
  title?: string;
  /** File name, for OpenAI `file` parts. */
  filename?: string;
  providerData?: ProviderData;
}

export interface ReasoningPart {
  type: 'reasoning';
  /** Readable reasoning text (Anthropic thinking, chat `reasoning_content`, Responses summary text). */
  text: string;
  /**
   * Proof of origin that only the issuing family can verify (Anthropic `signature`,
   * Responses `encrypted_content`). Writers send it only to `format`; elsewhere it is dropped.
   */
  signature?: { format: WireFormat; value: string };
  /** Anthropic `redacted_thinking.data`: opaque, returned only to Anthropic. */
  redacted?: string;
  providerData?: ProviderData;
}

export interface ToolCallPart {
  type: 'tool-call';
  id: string;
  name: string;
  /** `function`: JSON arguments; `custom`: freeform text input (Codex `apply_patch`). */
  kind: 'function' | 'custom';
  /** For `function`: the raw JSON argument text, exactly as produced. For `custom`: the freeform input text. */
  input: string;
  providerData?: ProviderData;
}

export interface ToolResultPart {
  type: 'tool-result';
  toolCallId: string;
  /** Name of the tool, when the source format gives it. */
  name?: string;
  kind: 'function' | 'custom';
  content: Array<TextPart | ImagePart>;
  isError?: boolean;
  providerData?: ProviderData;
}

/** A refusal from the model (OpenAI `refusal`). */
export interface RefusalPart {
  type: 'refusal';
  text: string;
  /** Responses keeps a message item's id on the item's first part, which may be a refusal. */
  providerData?: ProviderData;
}

export type UserPart = TextPart | ImagePart | DocumentPart | ToolResultPart;
export type AssistantPart = TextPart | ReasoningPart | ToolCallPart | RefusalPart;

export type CanonicalMessage =
  /** A system or developer turn in the middle of the history (Claude Code and Codex both send these). */
  | { role: 'system'; content: TextPart[]; providerData?: ProviderData }
  | { role: 'user'; content: UserPart[]; providerData?: ProviderData }
  | { role: 'assistant'; content: AssistantPart[]; providerData?: ProviderData };

// ---------------------------------------------------------------- tools

export type CanonicalTool =
  | { kind: 'function'; name: string; description?: string; parameters: Record<string, unknown>; strict?: boolean; providerData?: ProviderData }
  /** A freeform tool whose input is plain text (Codex `custom`, e.g. `apply_patch`). Writers for formats without it send a function with one string parameter `input`. */
  | { kind: 'custom'; name: string; description?: string; format?: Record<string, unknown>; providerData?: ProviderData }
  /** A provider-hosted tool (`web_search`, Anthropic server tools): sent only to `format`, dropped with a warning elsewhere. */
  | { kind: 'builtin'; format: WireFormat; name: string; raw: Record<string, unknown> };

export type ToolChoice =
  | { type: 'auto' }
  | { type: 'none' }
  /** Must call some tool (Anthropic `any`, OpenAI `required`). */
  | { type: 'required' }
  | { type: 'tool'; name: string };

// ---------------------------------------------------------------- request

export type ReasoningEffort = 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';

export interface ReasoningRequest {
  /** false when the client turned reasoning off explicitly. */
  enabled: boolean;
  effort?: ReasoningEffort;
  budgetTokens?: number;
  /** Responses `reasoning.summary`. */
  summary?: string;
}

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name?: string; schema: Record<string, unknown>; strict?: boolean };

export interface CanonicalRequest {
  /** The model the client asked for. */
  model: string;
  stream: boolean;
  /** Top-level instructions, in order (Anthropic `system`, leading OpenAI system/developer messages, Responses `instructions`). */
  system: TextPart[];
  messages: CanonicalMessage[];
  tools: CanonicalTool[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stopSequences?: string[];
  reasoning?: ReasoningRequest;
  responseFormat?: ResponseFormat;
  /** End-user id (Anthropic `metadata.user_id`, OpenAI `user`). */
  user?: string;
  /** OpenAI `prompt_cache_key` (Chat and Responses): requests with the same key are routed to the same prompt cache. Codex sends its session id. */
  promptCacheKey?: string;
  /** Fields of the source request that only its own family understands (e.g. Anthropic `context_management`, Responses `store`, `include`). */
  providerData?: ProviderData;
  /**
   * Parts of the request that only one format's provider can act on and whose loss would change
   * the conversation (an OpenAI-encrypted compaction summary of the history before it). A writer
   * for another format refuses the request (`SB_REQUEST_UNTRANSLATABLE`) instead of dropping them.
   */
  boundTo?: Array<{ format: WireFormat; path: string; reason: string }>;
}

// ---------------------------------------------------------------- response

/**
 * Why an answer ended. `incomplete`: it did not end; the stream was cut (the upstream broke, the client
 * left, the gateway drained) before its finish, and what exists is the part assembled so far.
 */
export type UnifiedFinishReason = 'stop' | 'length' | 'tool-calls' | 'stop-sequence' | 'content-filter' | 'refusal' | 'pause' | 'error' | 'other' | 'incomplete';

export interface FinishReason {
  unified: UnifiedFinishReason;
  /** The upstream's own value, e.g. `end_turn`, `tool_calls`, `incomplete:max_output_tokens`. */
  raw?: string;
  /** The stop sequence that matched, when known. */
  stopSequence?: string;
}

/**
 * Token counts. `inputTokens` is every prompt token, cached or not (OpenAI
 * semantics); the cache fields are subsets of it. Anthropic's `input_tokens`
 * (which excludes cache reads and writes) is derived by its writer.
 * `outputTokens` includes `reasoningTokens`.
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  /** The part of `cacheWriteTokens` written with a 1-hour lifetime (Anthropic `cache_creation.ephemeral_1h_input_tokens`), priced apart from 5-minute writes. */
  cacheWrite1hTokens?: number;
  reasoningTokens?: number;
}

export interface CanonicalResponse {
  id: string;
  /** The upstream model name (writers put the client's requested name on the wire). */
  model: string;
  content: AssistantPart[];
  finishReason: FinishReason;
  usage?: Usage;
  providerData?: ProviderData;
}

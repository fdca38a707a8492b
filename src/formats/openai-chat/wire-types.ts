/**
 * OpenAI Chat Completions wire types (POST /v1/chat/completions), as far as
 * the gateway reads or writes them. Shapes follow openai-node's
 * `resources/chat/completions/completions.d.ts`, plus the `reasoning_content`
 * field DeepSeek (and `reasoning`, which vLLM and OpenRouter) add to
 * assistant messages and deltas.
 */

export interface ChatTextPart {
  type: 'text';
  text: string;
}

export interface ChatImagePart {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
}

export interface ChatFilePart {
  type: 'file';
  file: { file_data?: string; file_id?: string; filename?: string };
}

export interface ChatAudioPart {
  type: 'input_audio';
  input_audio: { data: string; format: 'wav' | 'mp3' };
}

export interface ChatRefusalPart {
  type: 'refusal';
  refusal: string;
}

export type ChatUserContentPart = ChatTextPart | ChatImagePart | ChatFilePart | ChatAudioPart;

export interface ChatFunctionToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ChatCustomToolCall {
  id: string;
  type: 'custom';
  custom: { name: string; input: string };
}

export type ChatToolCall = ChatFunctionToolCall | ChatCustomToolCall;

export type ChatMessage =
  | { role: 'system' | 'developer'; content: string | ChatTextPart[]; name?: string }
  | { role: 'user'; content: string | ChatUserContentPart[]; name?: string }
  | {
      role: 'assistant';
      content?: string | Array<ChatTextPart | ChatRefusalPart> | null;
      refusal?: string | null;
      tool_calls?: ChatToolCall[];
      /** DeepSeek thinking mode: the turn's chain of thought, which DeepSeek wants back in tool loops. */
      reasoning_content?: string | null;
      /** The same, as vLLM and OpenRouter name it. */
      reasoning?: string | null;
      name?: string;
    }
  | { role: 'tool'; content: string | ChatTextPart[]; tool_call_id: string }
  | { role: 'function'; content: string | null; name: string };

export type ChatTool =
  | { type: 'function'; function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean | null } }
  | { type: 'custom'; custom: { name: string; description?: string; format?: Record<string, unknown> } };

export type ChatToolChoice =
  | 'none'
  | 'auto'
  | 'required'
  | { type: 'function'; function: { name: string } }
  | { type: 'custom'; custom: { name: string } }
  | { type: 'allowed_tools'; allowed_tools: { mode: 'auto' | 'required'; tools: Array<Record<string, unknown>> } };

export type ChatResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; description?: string; schema?: Record<string, unknown>; strict?: boolean | null } };

export type ChatReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  max_completion_tokens?: number | null;
  max_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  stop?: string | string[] | null;
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean; include_obfuscation?: boolean } | null;
  tools?: ChatTool[];
  tool_choice?: ChatToolChoice;
  parallel_tool_calls?: boolean;
  reasoning_effort?: ChatReasoningEffort | null;
  response_format?: ChatResponseFormat;
  user?: string;
}

// ---------------------------------------------------------------- response

export type ChatFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; audio_tokens?: number; [field: string]: unknown } | null;
  completion_tokens_details?: { reasoning_tokens?: number; [field: string]: unknown } | null;
  /** DeepSeek's own cache counters (it also fills prompt_tokens_details.cached_tokens). */
  prompt_cache_hit_tokens?: number;
  prompt_cache_miss_tokens?: number;
  [field: string]: unknown;
}

export interface ChatResponseMessage {
  role: 'assistant';
  content: string | null;
  refusal?: string | null;
  tool_calls?: ChatToolCall[];
  reasoning_content?: string | null;
  reasoning?: string | null;
  [field: string]: unknown;
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{ index: number; message: ChatResponseMessage; finish_reason: ChatFinishReason | null; logprobs?: unknown }>;
  usage?: ChatUsage;
  [field: string]: unknown;
}

// ---------------------------------------------------------------- stream

export interface ChatToolCallDelta {
  /** Which tool call of the turn this fragment belongs to; id and name come only with its first fragment. */
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface ChatDelta {
  role?: 'assistant';
  content?: string | null;
  refusal?: string | null;
  reasoning_content?: string | null;
  reasoning?: string | null;
  tool_calls?: ChatToolCallDelta[];
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{ index: number; delta: ChatDelta; finish_reason: ChatFinishReason | null; logprobs?: unknown }>;
  /** With stream_options.include_usage: null on every chunk but the last, whose `choices` is empty. */
  usage?: ChatUsage | null;
  system_fingerprint?: string;
}

// A type alias, not an interface, so it is assignable to Record<string, unknown> (FormatCodec.encodeError).
export type ChatErrorBody = {
  error: { message: string; type: string; param: string | null; code: string | null };
};

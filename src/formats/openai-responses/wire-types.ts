/**
 * The OpenAI Responses API on the wire (`POST /v1/responses`), as far as the
 * gateway reads or writes it. Shapes follow openai-node v6
 * `resources/responses/responses.d.ts`; fields the gateway never looks at
 * are left out and travel in `providerData` instead.
 * @module
 */

// ---------------------------------------------------------------- content

export interface ResponsesInputText {
  type: 'input_text';
  text: string;
}

export interface ResponsesInputImage {
  type: 'input_image';
  detail?: 'low' | 'high' | 'auto' | 'original';
  image_url?: string | null;
  file_id?: string | null;
}

export interface ResponsesInputFile {
  type: 'input_file';
  file_data?: string | null;
  file_id?: string | null;
  file_url?: string | null;
  filename?: string | null;
}

export interface ResponsesOutputText {
  type: 'output_text';
  text: string;
  annotations?: unknown[];
  logprobs?: unknown[];
}

export interface ResponsesRefusal {
  type: 'refusal';
  refusal: string;
}

export type ResponsesInputContent = ResponsesInputText | ResponsesInputImage | ResponsesInputFile;
export type ResponsesMessageContent = ResponsesInputContent | ResponsesOutputText | ResponsesRefusal;

// ---------------------------------------------------------------- items

export type ResponsesRole = 'user' | 'assistant' | 'system' | 'developer';

/** A message item; `type` is optional on input (`EasyInputMessage`). */
export interface ResponsesMessageItem {
  type?: 'message';
  id?: string;
  role: ResponsesRole;
  content: string | ResponsesMessageContent[];
  status?: 'in_progress' | 'completed' | 'incomplete';
  /** gpt-5.3-codex and later: `commentary` or `final_answer`; must be sent back unchanged. */
  phase?: 'commentary' | 'final_answer' | null;
}

export interface ResponsesSummaryText {
  type: 'summary_text';
  text: string;
}

export interface ResponsesReasoningItem {
  type: 'reasoning';
  /** Absent on input from Codex, which never serializes reasoning ids. */
  id?: string;
  summary: ResponsesSummaryText[];
  content?: Array<{ type: 'reasoning_text'; text: string }> | null;
  encrypted_content?: string | null;
  status?: 'in_progress' | 'completed' | 'incomplete';
}

export interface ResponsesFunctionCallItem {
  type: 'function_call';
  id?: string;
  call_id: string;
  name: string;
  arguments: string;
  namespace?: string;
  status?: 'in_progress' | 'completed' | 'incomplete';
}

export interface ResponsesCustomToolCallItem {
  type: 'custom_tool_call';
  id?: string;
  call_id: string;
  name: string;
  input: string;
  namespace?: string;
  status?: 'in_progress' | 'completed' | 'incomplete';
}

export type ResponsesToolOutput = string | ResponsesInputContent[];

export interface ResponsesFunctionCallOutputItem {
  type: 'function_call_output';
  id?: string;
  call_id: string;
  output: ResponsesToolOutput;
  status?: 'in_progress' | 'completed' | 'incomplete';
}

export interface ResponsesCustomToolCallOutputItem {
  type: 'custom_tool_call_output';
  id?: string;
  call_id: string;
  output: ResponsesToolOutput;
}

/** A pointer to an item stored at OpenAI (`store: true`); only OpenAI can resolve it. */
export interface ResponsesItemReference {
  type: 'item_reference';
  id: string;
}

/** Items of hosted tools (run by OpenAI) and other OpenAI-only items: opaque to the gateway. */
export interface ResponsesHostedItem {
  type: ResponsesHostedItemType;
  id?: string;
}

/** Item types of hosted tools and other OpenAI-only items, listed once for the type and for `isHostedItem`. */
export const responsesHostedItemTypes = [
  'web_search_call',
  'file_search_call',
  'computer_call',
  'computer_call_output',
  'tool_search_call',
  'tool_search_output',
  'compaction',
  'image_generation_call',
  'code_interpreter_call',
  'local_shell_call',
  'local_shell_call_output',
  'shell_call',
  'shell_call_output',
  'apply_patch_call',
  'apply_patch_call_output',
  'mcp_list_tools',
  'mcp_approval_request',
  'mcp_approval_response',
  'mcp_call',
] as const;

export type ResponsesHostedItemType = (typeof responsesHostedItemTypes)[number];

const hostedItemTypes: ReadonlySet<string> = new Set(responsesHostedItemTypes);

/** True for an item of a hosted tool (it ran at OpenAI; no other family can read or replay it). */
export function isHostedItem(item: { type?: string | undefined }): item is ResponsesHostedItem {
  return item.type !== undefined && hostedItemTypes.has(item.type);
}

/**
 * Codex 0.169 on its default model sends no `tools` field: the tools come as
 * the first input item, grouped in `namespace` tools (`functions` holds the
 * freeform `exec` tool of code mode). Replayed history may hold more of them.
 */
export interface ResponsesAdditionalToolsItem {
  type: 'additional_tools';
  id?: string;
  role?: string;
  tools: ResponsesTool[];
}

/** A message between Codex agents (multi-agent collaboration); `content` is plain text or encrypted by OpenAI. */
export interface ResponsesAgentMessageItem {
  type: 'agent_message';
  id?: string;
  author: string;
  recipient: string;
  content: Array<{ type: 'input_text'; text: string } | { type: 'encrypted_content'; encrypted_content: string }>;
}

/**
 * Items that only OpenAI can act on and whose loss changes the conversation:
 * an encrypted summary of the history before it (`compaction`,
 * `context_compaction`), or the request to write one (`compaction_trigger`,
 * Codex's remote compaction v2).
 */
export const responsesOpenAIStateItemTypes = ['compaction', 'context_compaction', 'compaction_trigger'] as const;

export type ResponsesOpenAIStateItemType = (typeof responsesOpenAIStateItemTypes)[number];

const openAIStateItemTypes: ReadonlySet<string> = new Set(responsesOpenAIStateItemTypes);

export function isOpenAIStateItem(item: { type?: string | undefined }): item is ResponsesOpenAIStateItem {
  return item.type !== undefined && openAIStateItemTypes.has(item.type);
}

/** Request controls OpenAI interprets at their place in the history (Codex: `configuration_update` carries a new reasoning setting). */
export const responsesControlItemTypes = ['configuration_update'] as const;

export interface ResponsesOpenAIStateItem {
  type: ResponsesOpenAIStateItemType;
  id?: string;
}

export interface ResponsesControlItem {
  type: (typeof responsesControlItemTypes)[number];
}

export type ResponsesInputItem =
  | ResponsesMessageItem
  | ResponsesReasoningItem
  | ResponsesFunctionCallItem
  | ResponsesCustomToolCallItem
  | ResponsesFunctionCallOutputItem
  | ResponsesCustomToolCallOutputItem
  | ResponsesItemReference
  | ResponsesAdditionalToolsItem
  | ResponsesAgentMessageItem
  | ResponsesOpenAIStateItem
  | ResponsesControlItem
  | ResponsesHostedItem;

const inputItemTypes: ReadonlySet<string | undefined> = new Set([
  undefined,
  'message',
  'reasoning',
  'function_call',
  'custom_tool_call',
  'function_call_output',
  'custom_tool_call_output',
  'item_reference',
  'additional_tools',
  'agent_message',
  ...responsesOpenAIStateItemTypes,
  ...responsesControlItemTypes,
  ...responsesHostedItemTypes,
]);

/** True for an item type this gateway knows; an unknown one (a newer client's) is carried verbatim to a Responses upstream. */
export function isKnownInputItem(item: { type?: unknown }): item is ResponsesInputItem {
  return (typeof item.type === 'string' || item.type === undefined) && inputItemTypes.has(item.type);
}

/** What `output` of a response holds (and what the stream adds item by item). */
export type ResponsesOutputItem = ResponsesOutputMessage | ResponsesReasoningItem | ResponsesFunctionCallItem | ResponsesCustomToolCallItem | ResponsesHostedItem;

export interface ResponsesOutputMessage {
  type: 'message';
  id: string;
  role: 'assistant';
  status: 'in_progress' | 'completed' | 'incomplete';
  content: Array<ResponsesOutputText | ResponsesRefusal>;
  phase?: 'commentary' | 'final_answer' | null;
}

// ---------------------------------------------------------------- tools

export interface ResponsesFunctionTool {
  type: 'function';
  name: string;
  description?: string | null;
  parameters: Record<string, unknown> | null;
  /** Defaults to true on the Responses API (unlike Chat Completions). */
  strict?: boolean | null;
}

export interface ResponsesCustomTool {
  type: 'custom';
  name: string;
  description?: string;
  /** `{type:'text'}` or `{type:'grammar', syntax:'lark'|'regex', definition}`. */
  format?: Record<string, unknown>;
}

/** Functions grouped under a name; the model calls a member with `namespace` set on the call item. */
export interface ResponsesNamespaceTool {
  type: 'namespace';
  name: string;
  description: string;
  tools: Array<ResponsesFunctionTool | ResponsesCustomTool>;
}

export type ResponsesTool = ResponsesFunctionTool | ResponsesCustomTool | ResponsesNamespaceTool | { type: string; name?: string; [field: string]: unknown };

export type ResponsesToolChoice =
  | 'auto'
  | 'none'
  | 'required'
  | { type: 'function'; name: string }
  | { type: 'custom'; name: string }
  | { type: string; [field: string]: unknown };

export type ResponsesTextFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: Record<string, unknown>; description?: string; strict?: boolean | null };

// ---------------------------------------------------------------- request

export interface ResponsesRequestBody {
  model: string;
  input?: string | ResponsesInputItem[];
  instructions?: string | null;
  stream?: boolean | null;
  tools?: ResponsesTool[];
  tool_choice?: ResponsesToolChoice;
  parallel_tool_calls?: boolean | null;
  max_output_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  reasoning?: { effort?: string | null; summary?: string | null; generate_summary?: string | null } | null;
  text?: { format?: ResponsesTextFormat; verbosity?: 'low' | 'medium' | 'high' | null };
  user?: string;
  safety_identifier?: string;
  store?: boolean | null;
  include?: string[] | null;
  prompt_cache_key?: string;
  previous_response_id?: string | null;
  service_tier?: string | null;
  metadata?: Record<string, string> | null;
  truncation?: 'auto' | 'disabled' | null;
}

// ---------------------------------------------------------------- response

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details?: { cached_tokens?: number } | null;
  output_tokens: number;
  output_tokens_details?: { reasoning_tokens?: number } | null;
  total_tokens?: number;
}

export type ResponsesStatus = 'completed' | 'failed' | 'in_progress' | 'cancelled' | 'queued' | 'incomplete';

export interface ResponsesErrorObject {
  code: string | null;
  message: string;
}

export interface ResponsesResponse {
  id: string;
  object: 'response';
  created_at: number;
  status?: ResponsesStatus;
  error: ResponsesErrorObject | null;
  incomplete_details: { reason?: 'max_output_tokens' | 'content_filter' | string } | null;
  model: string;
  output: ResponsesOutputItem[];
  usage?: ResponsesUsage | null;
  [field: string]: unknown;
}

// ---------------------------------------------------------------- stream events

interface ItemEvent {
  sequence_number: number;
  item_id: string;
  output_index: number;
}

export type ResponsesStreamEvent =
  | { type: 'response.created' | 'response.in_progress' | 'response.queued'; sequence_number: number; response: ResponsesResponse }
  | { type: 'response.completed' | 'response.incomplete' | 'response.failed'; sequence_number: number; response: ResponsesResponse }
  | { type: 'response.output_item.added' | 'response.output_item.done'; sequence_number: number; output_index: number; item: ResponsesOutputItem }
  | (ItemEvent & { type: 'response.content_part.added' | 'response.content_part.done'; content_index: number; part: ResponsesOutputText | ResponsesRefusal | { type: 'reasoning_text'; text: string } })
  | (ItemEvent & { type: 'response.output_text.delta'; content_index: number; delta: string; logprobs: unknown[] })
  | (ItemEvent & { type: 'response.output_text.done'; content_index: number; text: string; logprobs: unknown[] })
  | (ItemEvent & { type: 'response.output_text.annotation.added'; content_index: number; annotation_index: number; annotation: unknown })
  | (ItemEvent & { type: 'response.refusal.delta'; content_index: number; delta: string })
  | (ItemEvent & { type: 'response.refusal.done'; content_index: number; refusal: string })
  | (ItemEvent & { type: 'response.reasoning_summary_part.added' | 'response.reasoning_summary_part.done'; summary_index: number; part: ResponsesSummaryText })
  | (ItemEvent & { type: 'response.reasoning_summary_text.delta'; summary_index: number; delta: string })
  | (ItemEvent & { type: 'response.reasoning_summary_text.done'; summary_index: number; text: string })
  | (ItemEvent & { type: 'response.reasoning_text.delta'; content_index: number; delta: string })
  | (ItemEvent & { type: 'response.reasoning_text.done'; content_index: number; text: string })
  | (ItemEvent & { type: 'response.function_call_arguments.delta'; delta: string })
  | (ItemEvent & { type: 'response.function_call_arguments.done'; arguments: string })
  | (ItemEvent & { type: 'response.custom_tool_call_input.delta'; delta: string })
  | (ItemEvent & { type: 'response.custom_tool_call_input.done'; input: string })
  | { type: 'error'; sequence_number: number; code: string | null; message: string; param: string | null }
  | { type: ResponsesHostedToolEventType; sequence_number: number };

/** Progress events of hosted tools and modalities the gateway does not translate. */
export type ResponsesHostedToolEventType =
  | 'response.audio.delta'
  | 'response.audio.done'
  | 'response.audio.transcript.delta'
  | 'response.audio.transcript.done'
  | 'response.code_interpreter_call_code.delta'
  | 'response.code_interpreter_call_code.done'
  | 'response.code_interpreter_call.completed'
  | 'response.code_interpreter_call.in_progress'
  | 'response.code_interpreter_call.interpreting'
  | 'response.file_search_call.completed'
  | 'response.file_search_call.in_progress'
  | 'response.file_search_call.searching'
  | 'response.web_search_call.completed'
  | 'response.web_search_call.in_progress'
  | 'response.web_search_call.searching'
  | 'response.image_generation_call.completed'
  | 'response.image_generation_call.generating'
  | 'response.image_generation_call.in_progress'
  | 'response.image_generation_call.partial_image'
  | 'response.mcp_call_arguments.delta'
  | 'response.mcp_call_arguments.done'
  | 'response.mcp_call.completed'
  | 'response.mcp_call.failed'
  | 'response.mcp_call.in_progress'
  | 'response.mcp_list_tools.completed'
  | 'response.mcp_list_tools.failed'
  | 'response.mcp_list_tools.in_progress';

/** `{error:{...}}`, the body of every non-2xx answer. */
export type ResponsesErrorBody = {
  error: { message: string; type: string; param: string | null; code: string | null };
};

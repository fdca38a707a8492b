import type { EncodeContext } from '../../canonical/codec.js';
import type { CanonicalResponse } from '../../canonical/types.js';
import { createToolKinds, encodeAssistantItems, encodeResponsesToolChoice, encodeResponsesTools, encodeTextFormat } from './encode-request.js';
import { encodeResponsesFinishReason } from './map-finish-reason.js';
import { encodeResponsesUsage } from './map-usage.js';
import { createNamespacedNames } from './namespace-tools.js';
import type { ResponsesRequestData } from './provider-data.js';

/** Writes a canonical response as a Responses `response` object for the client. */
export function encodeResponsesResponse(response: CanonicalResponse, context: EncodeContext): Record<string, unknown> {
  const { status, incomplete_details } = encodeResponsesFinishReason(response.finishReason);
  const output = encodeAssistantItems(response.content, { mode: 'output', tools: createToolKinds(context.request.tools), namespaces: createNamespacedNames(context.request) });
  return {
    ...createResponseShell(context, toResponseId(response.id), Math.floor(Date.now() / 1000)),
    status,
    incomplete_details,
    output,
    usage: encodeResponsesUsage(response.usage),
  };
}

/**
 * The fields of a response object that do not change while it is produced,
 * in the real API's order. The request's settings are echoed back as the
 * API does (tools, tool_choice, reasoning…), so SDK parsers and clients that
 * read them find them. `instructions` is echoed as null: Codex's run to tens
 * of kilobytes and no client reads them back, while every stream would carry
 * them three times.
 */
export function createResponseShell(context: EncodeContext, id: string, createdAt: number): Record<string, unknown> {
  const request = context.request;
  const data = request.providerData?.['openai-responses'] as ResponsesRequestData | undefined;
  const extra = data?.extra ?? {};
  const tools = createToolKinds(request.tools);
  return {
    id,
    object: 'response',
    created_at: createdAt,
    status: 'in_progress',
    background: false,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: request.maxOutputTokens ?? null,
    max_tool_calls: null,
    model: context.clientModel,
    output: [],
    parallel_tool_calls: request.parallelToolCalls ?? true,
    previous_response_id: extra.previous_response_id ?? null,
    prompt_cache_key: extra.prompt_cache_key ?? null,
    reasoning: { effort: request.reasoning?.enabled === false ? 'none' : (request.reasoning?.effort ?? null), summary: request.reasoning?.summary ?? null },
    safety_identifier: extra.safety_identifier ?? null,
    service_tier: 'default',
    // The gateway keeps nothing at OpenAI, whatever the client asked.
    store: false,
    temperature: request.temperature ?? 1,
    text: { format: encodeTextFormat(request.responseFormat ?? { type: 'text' }), verbosity: data?.verbosity ?? 'medium' },
    tool_choice: data?.toolChoice ?? encodeResponsesToolChoice(request.toolChoice, tools) ?? 'auto',
    tools: encodeResponsesTools(request.tools, undefined, data?.namespaces),
    top_logprobs: 0,
    top_p: request.topP ?? 1,
    truncation: extra.truncation ?? 'disabled',
    usage: null,
    user: request.user ?? null,
    metadata: extra.metadata ?? {},
  };
}

/** Responses ids start with `resp_`; another format's id is kept after the prefix so traces still match it. */
export function toResponseId(id: string): string {
  return id.startsWith('resp_') ? id : `resp_${id}`;
}

import type { Translated } from '../../canonical/codec.js';
import type { CanonicalRequest, ReasoningEffort, ReasoningRequest, ToolChoice, TranslationWarning } from '../../canonical/types.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { isRecord } from '../shared/tool-input.js';
import { collectUnknownFields } from '../shared/unknown-fields.js';
import { decodeInput } from './decode-input.js';
import { decodeTools } from './decode-tools.js';
import type { ResponsesRequestData } from './provider-data.js';
import type { ResponsesRequestBody, ResponsesTextFormat } from './wire-types.js';

/** Fields with a canonical home; every other top-level field is kept verbatim in `providerData['openai-responses'].extra`. */
const canonicalFields = new Set([
  'model',
  'input',
  'instructions',
  'stream',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'max_output_tokens',
  'temperature',
  'top_p',
  'reasoning',
  'text',
  'user',
  'prompt_cache_key',
]);
const efforts = new Set<string>(['minimal', 'low', 'medium', 'high', 'xhigh']);

/**
 * Reads a Responses request body into the canonical request.
 *
 * `input` is a flat list of items; canonical is a list of messages. Items are
 * folded into messages by role: reasoning, calls and assistant messages into
 * one assistant message, call outputs and user messages into one user
 * message. Leading system/developer messages (Codex sends its instructions as
 * a first `developer` message) become canonical `system`; later ones a
 * mid-history `system` message. Each item's own facts (id, status, phase)
 * ride on its first part so the Responses writer can split the items again.
 */
export function decodeResponsesRequest(body: unknown): Translated<CanonicalRequest> {
  if (!isRecord(body)) throw invalid('the request body must be a JSON object');
  if (typeof body.model !== 'string') throw invalid('`model` must be a string');
  const wire = body as unknown as ResponsesRequestBody;
  const warnings: TranslationWarning[] = [];
  const data: ResponsesRequestData = {};
  const shape: NonNullable<ResponsesRequestData['shape']> = {};

  const request: CanonicalRequest = { model: wire.model, stream: wire.stream === true, system: [], messages: [], tools: [] };
  if (wire.stream === false) shape.streamFalse = true;
  if (typeof wire.instructions === 'string') request.system.push({ type: 'text', text: wire.instructions });

  // Tools first: Codex's `additional_tools` items in `input` add to them.
  if (Array.isArray(wire.tools)) request.tools = decodeTools(wire.tools, data);
  if (typeof wire.input === 'string') {
    shape.inputString = true;
    request.messages.push({ role: 'user', content: [{ type: 'text', text: wire.input }] });
  } else if (Array.isArray(wire.input)) {
    decodeInput(wire.input, request, data, warnings);
  } else if (wire.input !== undefined) {
    throw invalid('`input` must be a string or an array of items');
  }

  if (wire.tool_choice !== undefined) {
    const choice = decodeToolChoice(wire.tool_choice);
    if (choice !== undefined) request.toolChoice = choice;
    else {
      data.toolChoice = wire.tool_choice;
      request.toolChoice = { type: isRecord(wire.tool_choice) && (wire.tool_choice as Record<string, unknown>).mode === 'required' ? 'required' : 'auto' };
      warnings.push({ type: 'compatibility', path: 'tool_choice', message: 'only an openai-responses upstream can honour this tool_choice; others get the nearest of auto/required' });
    }
  }
  if (typeof wire.parallel_tool_calls === 'boolean') request.parallelToolCalls = wire.parallel_tool_calls;
  if (typeof wire.max_output_tokens === 'number') request.maxOutputTokens = wire.max_output_tokens;
  if (typeof wire.temperature === 'number') request.temperature = wire.temperature;
  if (typeof wire.top_p === 'number') request.topP = wire.top_p;
  const reasoning = decodeReasoning(wire.reasoning, shape, data);
  if (reasoning !== undefined) request.reasoning = reasoning;
  if (isRecord(wire.text)) {
    const format = decodeTextFormat(wire.text.format);
    if (format !== undefined) request.responseFormat = format;
    if (wire.text.verbosity !== undefined) data.verbosity = wire.text.verbosity;
  }
  const user = typeof wire.user === 'string' ? wire.user : wire.safety_identifier;
  if (typeof user === 'string') request.user = user;
  if (typeof body.prompt_cache_key === 'string') request.promptCacheKey = body.prompt_cache_key;

  const extra = collectUnknownFields(body, canonicalFields);
  if (extra !== undefined) data.extra = extra;
  for (const field of ['previous_response_id', 'conversation'] as const) {
    if (extra?.[field] !== undefined && extra[field] !== null) {
      warnings.push({ type: 'unsupported', path: field, message: 'conversation state stored at OpenAI: only an openai-responses upstream can resolve it; others see only this request\'s input' });
    }
  }
  if (Object.keys(shape).length > 0) data.shape = shape;
  // Always present, even empty: it tells the Responses writer the request came from a Responses client.
  request.providerData = { 'openai-responses': data as Record<string, unknown> };
  return { value: request, warnings };
}

function decodeToolChoice(choice: unknown): ToolChoice | undefined {
  if (choice === 'auto' || choice === 'none' || choice === 'required') return { type: choice };
  if (isRecord(choice) && (choice.type === 'function' || choice.type === 'custom') && typeof choice.name === 'string' && Object.keys(choice).length === 2) {
    return { type: 'tool', name: choice.name };
  }
  return undefined;
}

function decodeReasoning(reasoning: ResponsesRequestBody['reasoning'], shape: NonNullable<ResponsesRequestData['shape']>, data: ResponsesRequestData): ReasoningRequest | undefined {
  if (!isRecord(reasoning)) return undefined;
  const extra = collectUnknownFields(reasoning, reasoningFields);
  if (extra !== undefined) data.reasoningExtra = extra;
  const result: ReasoningRequest = { enabled: reasoning.effort !== 'none' };
  if (typeof reasoning.effort === 'string' && efforts.has(reasoning.effort)) result.effort = reasoning.effort as ReasoningEffort;
  if (typeof reasoning.summary === 'string') result.summary = reasoning.summary;
  else if (typeof reasoning.generate_summary === 'string') {
    result.summary = reasoning.generate_summary;
    shape.generateSummary = true;
  }
  return result;
}

const reasoningFields = new Set(['effort', 'summary', 'generate_summary']);

function decodeTextFormat(format: ResponsesTextFormat | undefined): CanonicalRequest['responseFormat'] {
  if (!isRecord(format)) return undefined;
  switch (format.type) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema': {
      const result: NonNullable<CanonicalRequest['responseFormat']> = { type: 'json_schema', name: format.name, schema: isRecord(format.schema) ? format.schema : {} };
      if (typeof format.strict === 'boolean') result.strict = format.strict;
      return result;
    }
    default: {
      const unexpected: never = format;
      void unexpected;
      return undefined;
    }
  }
}

function invalid(message: string): GatewayError {
  return new GatewayError('SB_REQUEST_INVALID', message);
}

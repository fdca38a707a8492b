import type { ProviderData } from '../../canonical/types.js';

/**
 * What the Responses reader keeps in `providerData['openai-responses']` so
 * the Responses writer can put it back. Other writers ignore it; request-level
 * fields are named in a warning by foreignProviderDataWarnings (`shape` is
 * left out of that list: it holds round-trip flags, not fields).
 */
export interface ResponsesRequestData {
  /** Responses-only top-level fields (`store`, `include`, `prompt_cache_key`, `previous_response_id`, `metadata`, `client_metadata`…), kept verbatim. */
  extra?: Record<string, unknown>;
  /** `text.verbosity`. */
  verbosity?: string | null;
  /** A `tool_choice` canonical cannot express (`allowed_tools`, a hosted tool type). */
  toolChoice?: unknown;
  /** `namespace` tools, whose members canonical holds as tools named `<namespace>__<member>` (see namespace-tools.ts). */
  namespaces?: ResponsesNamespaceData[];
  /** `reasoning` fields canonical lacks (Codex: `context: "all_turns"`), verbatim. */
  reasoningExtra?: Record<string, unknown>;
  /** Input items after the last item that became a canonical part, kept verbatim (see `ResponsesPartData.itemsBefore`). */
  itemsAfter?: unknown[];
  shape?: {
    /** `input` was a plain string. */
    inputString?: boolean;
    /** `stream: false` was written explicitly. */
    streamFalse?: boolean;
    /** The reasoning summary came from the deprecated `generate_summary`. */
    generateSummary?: boolean;
  };
}

/** `providerData['openai-responses']` of a function or custom tool. */
export interface ResponsesToolData {
  /** The tool's fields canonical lacks, verbatim. */
  extra?: Record<string, unknown>;
  shape?: { strict?: 'absent' | 'null' };
  /** Declared by an `additional_tools` input item, which a Responses writer writes back verbatim: not written to `tools`. */
  inItem?: boolean;
}

/** One `namespace` tool: what the writer needs to group its members again. */
export interface ResponsesNamespaceData {
  name: string;
  /** The members' own names, in order. */
  members: string[];
  /** The namespace tool's other fields (`description`…), verbatim. */
  extra?: Record<string, unknown>;
}

/**
 * Item-level facts, kept on the first canonical part an input or output item
 * became. A writer starts a new item at every part that carries one, so two
 * message items merged into one canonical message split again on the way back.
 */
export interface ResponsesItemData {
  id?: string;
  status?: string;
  /** `developer` or `system`, for instructions sent as messages. */
  role?: string;
  phase?: string | null;
  namespace?: string;
  /** The message item had no `type` (EasyInputMessage). */
  untyped?: boolean;
  /** The message `content` was a plain string. */
  stringContent?: boolean;
}

/** `providerData['openai-responses']` of a content part. */
export interface ResponsesPartData {
  item?: ResponsesItemData;
  /** Which summary entry of its reasoning item a reasoning part is; entries after the first continue the same item. */
  summaryIndex?: number;
  /** A reasoning item's `content` (raw reasoning text), verbatim, including an explicit null. */
  reasoningContent?: unknown;
  /** The reasoning part's text is the item's raw `content`, the item having no summary. */
  textFromContent?: boolean;
  /** `output_text.annotations` (citations) as received. */
  annotations?: unknown[];
  /** A tool output that was a list of content parts rather than a string. */
  outputList?: boolean;
  /** `input_image.detail` canonical cannot express (`original`). */
  detail?: string;
  /**
   * Input items with no canonical form that stood right before this part's
   * item (Codex's `additional_tools`, compaction items, item types this
   * gateway does not know…), verbatim and in order. Only the Responses writer
   * writes them, in the same place; other writers never see them as content.
   */
  itemsBefore?: unknown[];
  /** The item this part was read from, written back verbatim by the Responses writer instead of the part (a plain-text `agent_message`). */
  verbatim?: unknown;
}

/** `providerData['openai-responses']` of a response. */
export interface ResponsesResponseData {
  /** The upstream's response status (`completed`, `incomplete`...). */
  status?: string;
  /** Usage fields beyond the mapped counts. */
  usageExtra?: Record<string, unknown>;
}

/** Reads this format's part data from a part's providerData. */
export function responsesPartData(providerData: ProviderData | undefined): ResponsesPartData | undefined {
  return providerData?.['openai-responses'] as ResponsesPartData | undefined;
}

/**
 * Part data as a `providerData` field to spread into a part; nothing when there
 * is nothing to keep. An empty `item` is kept: on a message's first part it
 * still marks where the message item began.
 */
export function partDataField(data: ResponsesPartData): { providerData?: ProviderData } {
  for (const key in data) {
    if (data[key as keyof ResponsesPartData] !== undefined) return { providerData: { 'openai-responses': data as Record<string, unknown> } };
  }
  return {};
}

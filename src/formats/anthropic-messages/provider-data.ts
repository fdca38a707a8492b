import type { AnthropicTextBlock } from './wire-types.js';

/**
 * What the Anthropic reader keeps in `providerData.anthropic` for the Anthropic
 * writer. Other writers ignore it (and name the request-level fields in a
 * warning, see foreignProviderDataWarnings).
 */
export interface AnthropicRequestData {
  /** Top-level request fields the canonical model has no place for (`context_management`, `service_tier`, `container`…). */
  extra?: Record<string, unknown>;
  /**
   * Claude Code's first system block, `x-anthropic-billing-header: cc_version=…; cch=…`.
   * It changes every request, so it is kept out of the canonical system prompt:
   * other upstreams would lose prefix caching for a line that means nothing to them.
   */
  billingHeader?: AnthropicTextBlock;
  /** `metadata` fields besides `user_id`. */
  metadata?: Record<string, unknown>;
  /** `thinking.display`. */
  thinkingDisplay?: 'summarized' | 'omitted' | null;
  /** Round-trip flags, not fields. */
  shape?: {
    systemString?: boolean;
    thinking?: 'enabled' | 'adaptive';
    /** The effort came from `output_config.effort`, so it goes back there. */
    outputConfigEffort?: boolean;
    /** `stream: false` was written explicitly. */
    streamFalse?: boolean;
  };
}

/** `providerData.anthropic` of a message. */
export interface AnthropicMessageData {
  shape?: { stringContent?: boolean };
}

/**
 * `providerData.anthropic` of a content part: the block's fields canonical
 * does not carry (`cache_control`, `citations`, `title`, `context`…), plus:
 */
export interface AnthropicPartData {
  /** A tool result's or document's original content when it held blocks canonical cannot express (tool_reference, search_result). */
  originalContent?: unknown;
  /** A document source canonical cannot express (`content`, `file`). */
  originalSource?: unknown;
  shape?: { stringContent?: boolean; isErrorFalse?: boolean };
  [field: string]: unknown;
}

/** `providerData.anthropic` of a response. */
export interface AnthropicResponseData {
  /** Usage fields beyond the four token counts (`service_tier`, `cache_creation`, `server_tool_use`…). */
  usageExtra?: Record<string, unknown>;
  /** Top-level response fields beyond the mapped ones (`container`…). */
  extra?: Record<string, unknown>;
}

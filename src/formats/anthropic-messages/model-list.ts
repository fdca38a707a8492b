import type { ListedModelEntry } from '../../config/snapshot.js';
import { GatewayError } from '../../errors/gateway-error.js';

/** One model as Anthropic's `GET /v1/models` writes it. */
export interface AnthropicModelInfo {
  type: 'model';
  id: string;
  display_name: string;
  created_at: string;
}

/** A page of Anthropic's `GET /v1/models`. */
export interface AnthropicModelPage {
  data: AnthropicModelInfo[];
  has_more: boolean;
  first_id: string | null;
  last_id: string | null;
}

/** The query of Anthropic's `GET /v1/models`, as the HTTP layer parsed it. */
export type ModelListQuery = Record<string, string | string[] | undefined>;

// A gateway does not know when a model was made; the list needs some date, so all share one fixed date.
export const listedCreatedAt = '2025-01-01T00:00:00Z';
const defaultLimit = 20;
const maxLimit = 1000;

export function anthropicModelInfo(entry: ListedModelEntry): AnthropicModelInfo {
  return { type: 'model', id: entry.id, display_name: entry.displayName, created_at: listedCreatedAt };
}

/**
 * One page of the list, paged as Anthropic pages it: `limit` (1-1000, 20 when
 * absent) entries after `after_id`, or the `limit` entries just before
 * `before_id`; `has_more` says whether more lie in that direction. Claude
 * Code asks for `limit=1000` and reads one page; the SDKs follow `last_id`.
 */
export function pageAnthropicModels(entries: readonly ListedModelEntry[], query: ModelListQuery): AnthropicModelPage {
  const limit = parseLimit(single(query, 'limit'));
  const afterId = single(query, 'after_id');
  const beforeId = single(query, 'before_id');
  if (afterId !== undefined && beforeId !== undefined) throw new GatewayError('SB_REQUEST_INVALID', 'give after_id or before_id, not both');
  let start = 0;
  let end = Math.min(entries.length, limit);
  let hasMore = entries.length > end;
  if (afterId !== undefined) {
    start = cursorIndex(entries, afterId, 'after_id') + 1;
    end = Math.min(entries.length, start + limit);
    hasMore = entries.length > end;
  } else if (beforeId !== undefined) {
    end = cursorIndex(entries, beforeId, 'before_id');
    start = Math.max(0, end - limit);
    hasMore = start > 0;
  }
  const data = entries.slice(start, end).map(anthropicModelInfo);
  return { data, has_more: hasMore, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}

function single(query: ModelListQuery, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) throw new GatewayError('SB_REQUEST_INVALID', `${name}: give it once`);
  return value;
}

function parseLimit(text: string | undefined): number {
  if (text === undefined) return defaultLimit;
  const limit = Number(text);
  if (!/^\d+$/.test(text) || limit < 1 || limit > maxLimit) throw new GatewayError('SB_REQUEST_INVALID', `limit: an integer from 1 to ${maxLimit} is required, not "${text}"`);
  return limit;
}

function cursorIndex(entries: readonly ListedModelEntry[], id: string, name: string): number {
  const index = entries.findIndex((entry) => entry.id === id);
  if (index === -1) throw new GatewayError('SB_REQUEST_INVALID', `${name}: "${id}" is not a model this key lists`);
  return index;
}

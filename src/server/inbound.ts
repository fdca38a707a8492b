import type { IncomingHttpHeaders } from 'node:http';
import type { WireFormat } from '../canonical/types.js';

/**
 * The wire format a client speaks, told by the path: Anthropic clients use
 * `/anthropic/...` (or `/v1/messages` when configured without the prefix),
 * everything else under `/v1` is OpenAI, except `/v1/models`, which both
 * families call: Anthropic SDKs send `anthropic-version`, OpenAI ones do not.
 * Errors go back in this format.
 */
export function inboundFormatOf(url: string, headers: IncomingHttpHeaders): WireFormat {
  if (url.startsWith('/anthropic') || url.startsWith('/v1/messages')) return 'anthropic';
  if (url.startsWith('/v1/responses')) return 'openai-responses';
  if (url.startsWith('/v1/models') && headers['anthropic-version'] !== undefined) return 'anthropic';
  return 'openai-chat';
}

/**
 * The format of an answer on `/status` and `/metrics`, which no client SDK calls: Anthropic when the
 * caller sends `anthropic-version` (curl copied from Anthropic's docs does), OpenAI otherwise.
 */
export function opsFormatOfHeaders(headers: Record<string, string | string[] | undefined>): WireFormat {
  return headers['anthropic-version'] === undefined ? 'openai-chat' : 'anthropic';
}

import type { SseEvent } from '../canonical/stream.js';
import type { WireFormat } from '../canonical/types.js';
import { formatSseEvent } from '../sse/format-sse-event.js';
import { replaceTopLevelString } from './replace-top-level-string.js';

/** Responses events that carry the whole response object, and with it `response.model`. */
const responsesEventsWithModel = new Set(['response.created', 'response.in_progress', 'response.completed', 'response.incomplete', 'response.failed', 'response.queued']);

/**
 * Frames one passthrough stream event for the client, with the upstream model
 * name replaced by the one the client asked for. Only the events that carry a
 * model are touched: Anthropic's `message_start`, every chat chunk (model is
 * top-level there, so no parse is needed), and the Responses events that
 * carry the response object.
 */
export function frameWithClientModel(format: WireFormat, event: SseEvent, clientModel: string): string {
  let data = event.data;
  switch (format) {
    case 'anthropic':
      if (event.event === 'message_start') data = rewriteNested(data, 'message', clientModel);
      break;
    case 'openai-chat':
      if (data !== '[DONE]') data = replaceTopLevelString(data, 'model', clientModel) ?? data;
      break;
    case 'openai-responses':
      if (event.event === undefined ? data.includes('"response":{') : responsesEventsWithModel.has(event.event)) data = rewriteNested(data, 'response', clientModel);
      break;
    default: {
      const unreachable: never = format;
      throw new Error(`unknown format ${String(unreachable)}`);
    }
  }
  return formatSseEvent(data, event.event);
}

/** Same event, framed unchanged (the client asked for the upstream's own model name). */
export function frameUnchanged(event: SseEvent): string {
  return formatSseEvent(event.data, event.event);
}

function rewriteNested(data: string, container: string, clientModel: string): string {
  try {
    const parsed = JSON.parse(data) as Record<string, unknown>;
    const inner = parsed[container];
    if (typeof inner !== 'object' || inner === null || !('model' in inner)) return data;
    (inner as Record<string, unknown>).model = clientModel;
    return JSON.stringify(parsed);
  } catch {
    return data;
  }
}

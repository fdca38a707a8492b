import type { StreamPart } from '../../canonical/stream.js';
import { responseToStreamParts } from '../../canonical/response-to-stream-parts.js';
import { getCodec } from '../../formats/index.js';

/**
 * A whole answer held as canonical parts, written as the Responses stream
 * events (framed as SSE) by the Responses codec. The request is not known
 * here, so tool kinds are the plain function kind.
 */
export function responsesStreamText(parts: Iterable<StreamPart>, clientModel: string): string {
  let text = '';
  const encoder = getCodec('openai-responses').createStreamEncoder({ clientModel, request: { model: clientModel, stream: true, system: [], messages: [], tools: [] } }, (frame) => {
    text += frame;
  });
  for (const part of parts) encoder.push(part);
  return text;
}

/** A Responses response body as the parts that would have streamed it. */
export function wholeResponseParts(body: string): Iterable<StreamPart> {
  return responseToStreamParts(getCodec('openai-responses').decodeResponse(JSON.parse(body)));
}

/** A warm-up (`generate: false`) answer: a response with no output, no tokens used. */
export function warmUpParts(id: string): StreamPart[] {
  return [
    { type: 'response-start', id, model: '' },
    { type: 'finish', finishReason: { unified: 'stop', raw: 'generate_false' }, usage: { inputTokens: 0, outputTokens: 0 } },
  ];
}

import type { StreamPart } from './stream.js';
import type { CanonicalResponse } from './types.js';

/** A whole response as the stream parts that would have produced it. */
export function* responseToStreamParts(response: CanonicalResponse): Generator<StreamPart> {
  yield { type: 'response-start', id: response.id, model: response.model };
  let index = 0;
  for (const part of response.content) {
    switch (part.type) {
      case 'text':
        yield { type: 'text-start', index };
        yield { type: 'text-delta', index, text: part.text };
        yield { type: 'text-end', index };
        break;
      case 'reasoning':
        yield { type: 'reasoning-start', index, ...(part.redacted === undefined ? {} : { redacted: part.redacted }) };
        if (part.text !== '') yield { type: 'reasoning-delta', index, text: part.text };
        if (part.signature) yield { type: 'reasoning-signature', index, signature: part.signature };
        yield { type: 'reasoning-end', index };
        break;
      case 'tool-call':
        yield { type: 'tool-call-start', index, id: part.id, name: part.name, kind: part.kind };
        if (part.input !== '') yield { type: 'tool-call-delta', index, inputDelta: part.input };
        yield { type: 'tool-call-end', index };
        break;
      case 'refusal':
        yield { type: 'refusal-delta', index, text: part.text };
        break;
      default: {
        const unreachable: never = part;
        throw new Error(`unknown content part ${JSON.stringify(unreachable)}`);
      }
    }
    index++;
  }
  yield { type: 'finish', finishReason: response.finishReason, ...(response.usage ? { usage: response.usage } : {}) };
}

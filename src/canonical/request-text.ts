import type { CanonicalRequest } from './types.js';

/** What a request sends the model, as the token estimators count it. */
export interface RequestText {
  /** The texts: system, messages (reasoning and tool calls included), tool results, text documents, tool definitions. */
  texts: string[];
  /** Images and binary documents; each is counted as a flat number of tokens. */
  images: number;
}

/** Collects the text of a request once, for both token estimators. */
export function requestText(request: CanonicalRequest): RequestText {
  const texts: string[] = [];
  let images = 0;
  for (const part of request.system) texts.push(part.text);
  for (const message of request.messages) {
    for (const part of message.content) {
      switch (part.type) {
        case 'text':
        case 'reasoning':
        case 'refusal':
          texts.push(part.text);
          break;
        case 'tool-call':
          texts.push(part.name, part.input);
          break;
        case 'tool-result':
          for (const inner of part.content) {
            if (inner.type === 'text') texts.push(inner.text);
            else images++;
          }
          break;
        case 'image':
          images++;
          break;
        case 'document':
          if (part.source.kind === 'text') texts.push(part.source.data);
          else images++;
          break;
        default: {
          const unreachable: never = part;
          throw new Error(`unknown content part ${JSON.stringify(unreachable)}`);
        }
      }
    }
  }
  for (const tool of request.tools) texts.push(JSON.stringify(tool));
  return { texts, images };
}

/** Tokens counted for one image or binary document. */
export const tokensPerImage = 1000;
/** A few tokens of framing per message, as the vendors' own counts show. */
export const tokensPerMessage = 3;

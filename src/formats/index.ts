import type { FormatCodec } from '../canonical/codec.js';
import type { WireFormat } from '../canonical/types.js';
import { anthropicCodec } from './anthropic-messages/index.js';
import { openaiChatCodec } from './openai-chat/index.js';
import { openaiResponsesCodec } from './openai-responses/index.js';

const codecs: Record<WireFormat, FormatCodec> = {
  anthropic: anthropicCodec,
  'openai-chat': openaiChatCodec,
  'openai-responses': openaiResponsesCodec,
};

/** The reader and writer of one wire format. */
export function getCodec(format: WireFormat): FormatCodec {
  return codecs[format];
}

import type OpenAI from 'openai';

/**
 * The text of a Responses API answer. The SDK's `output_text` convenience is
 * only set on non-streamed answers (and parsed streams), so tests read the
 * output items themselves.
 */
export function responseText(response: OpenAI.Responses.Response): string {
  const texts: string[] = [];
  for (const item of response.output) {
    if (item.type !== 'message') continue;
    for (const content of item.content) if (content.type === 'output_text') texts.push(content.text);
  }
  return texts.join('');
}

import { describe, expect, it } from 'vitest';
import { getCodec } from '../../src/formats/index.js';
import { readCapture } from '../helpers/real-client-capture.js';

describe('prompt_cache_key across formats', () => {
  const codex = getCodec('openai-responses').decodeRequest(readCapture('codex-request-1.json').body).value;

  it('is read from a Codex request into the canonical request', () => {
    expect(codex.promptCacheKey).toBe('01a20c93-a73a-7a71-981e-90f70867244e');
  });

  it('is written by the Chat and Responses writers, without a warning about it', () => {
    for (const format of ['openai-chat', 'openai-responses'] as const) {
      const encoded = getCodec(format).encodeRequest(codex, 'upstream-model');
      expect(encoded.value.prompt_cache_key).toBe('01a20c93-a73a-7a71-981e-90f70867244e');
      expect(encoded.warnings.map((warning) => warning.message).join('\n')).not.toContain('prompt_cache_key');
    }
  });

  it('is dropped by the Anthropic writer with a warning', () => {
    const encoded = getCodec('anthropic').encodeRequest(codex, 'claude-x');
    expect(encoded.value).not.toHaveProperty('prompt_cache_key');
    expect(encoded.warnings).toContainEqual({ type: 'unsupported', path: 'prompt_cache_key', message: 'Anthropic has no prompt_cache_key (it caches at cache_control breakpoints); dropped' });
  });

  it('round-trips through a chat request', () => {
    const chat = getCodec('openai-chat').decodeRequest({ model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }], prompt_cache_key: 'k-1' });
    expect(chat.value.promptCacheKey).toBe('k-1');
    expect(getCodec('openai-chat').encodeRequest(chat.value, 'gpt-x').value.prompt_cache_key).toBe('k-1');
  });
});

import { describe, expect, it } from 'vitest';
import type { StreamPart } from '../../../src/canonical/stream.js';
import { decodeStream, readSseFixture } from './fixtures.js';

/** Parts with consecutive deltas of one block merged, so expectations stay readable. */
function mergeDeltas(parts: StreamPart[]): StreamPart[] {
  const merged: StreamPart[] = [];
  for (const part of parts) {
    const last = merged[merged.length - 1];
    if (last?.type === part.type && 'index' in last && 'index' in part && last.index === part.index) {
      if (last.type === 'text-delta' && part.type === 'text-delta') {
        last.text += part.text;
        continue;
      }
      if (last.type === 'reasoning-delta' && part.type === 'reasoning-delta') {
        last.text += part.text;
        continue;
      }
      if (last.type === 'tool-call-delta' && part.type === 'tool-call-delta') {
        last.inputDelta += part.inputDelta;
        continue;
      }
    }
    merged.push({ ...part });
  }
  return merged;
}

describe('openai-responses stream decoder', () => {
  it('reads a text answer', () => {
    expect(mergeDeltas(decodeStream(readSseFixture('text.sse')))).toEqual([
      { type: 'response-start', id: 'resp_0a1b2c3d4e5f60718293a4b5c6d7e8f9', model: 'gpt-4.1-2025-04-14' },
      { type: 'text-start', index: 0 },
      { type: 'text-delta', index: 0, text: 'Hello! How can I help you today?' },
      { type: 'text-end', index: 0 },
      { type: 'finish', finishReason: { unified: 'stop', raw: 'completed' }, usage: { inputTokens: 12, outputTokens: 10, cacheReadTokens: 0, reasoningTokens: 0 } },
    ]);
  });

  it('reads reasoning summaries (one block per entry), the encrypted content and a function call', () => {
    const parts = mergeDeltas(decodeStream(readSseFixture('reasoning-function-call.sse')));
    expect(parts).toEqual([
      { type: 'response-start', id: 'resp_01830d662ab3856501693c321345c88190b0de00f3b9975691', model: 'gpt-5.1-codex' },
      { type: 'reasoning-start', index: 0, providerData: { 'openai-responses': { summaryIndex: 0, item: { id: 'rs_01830d662ab3856501693c321405c88190be3ab04d5782d5f9' } } } },
      { type: 'reasoning-delta', index: 0, text: "**Inspecting the SSE folder**\n\nI'll list the files first." },
      { type: 'reasoning-end', index: 0 },
      { type: 'reasoning-start', index: 1, providerData: { 'openai-responses': { summaryIndex: 1 } } },
      { type: 'reasoning-delta', index: 1, text: '**Running the tests**' },
      { type: 'reasoning-signature', index: 1, signature: { format: 'openai-responses', value: expect.stringMatching(/^gAAAA.*==$/) } },
      { type: 'reasoning-end', index: 1 },
      { type: 'tool-call-start', index: 2, id: 'call_Q6pW65MUgW9vF59BmItYGos3', name: 'shell_command', kind: 'function', providerData: { 'openai-responses': { item: { id: 'fc_01830d662ab3856501693c32151234819091cfca267e98cc5f' } } } },
      { type: 'tool-call-delta', index: 2, inputDelta: '{"command":"ls src/sse","workdir":"/home/dev/switchboard"}' },
      { type: 'tool-call-end', index: 2 },
      { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'completed' }, usage: { inputTokens: 4312, outputTokens: 181, cacheReadTokens: 4096, reasoningTokens: 128 } },
    ]);
  });

  it('reads encrypted-only reasoning and a custom tool call', () => {
    const parts = mergeDeltas(decodeStream(readSseFixture('custom-tool-call.sse')));
    expect(parts.map((part) => part.type)).toEqual([
      'response-start',
      'reasoning-start',
      'reasoning-signature',
      'reasoning-end',
      'tool-call-start',
      'tool-call-delta',
      'tool-call-end',
      'finish',
    ]);
    expect(parts[4]).toMatchObject({ kind: 'custom', name: 'apply_patch', id: 'call_AB6AaRZ1FYZB2RwS6A5vbdqn' });
    expect(parts[5]).toMatchObject({ inputDelta: expect.stringMatching(/^\*\*\* Begin Patch\n[\s\S]*\*\*\* End Patch\n$/) });
  });

  it('reads response.incomplete as length', () => {
    const parts = decodeStream(readSseFixture('incomplete-max-output-tokens.sse'));
    expect(parts[parts.length - 1]).toMatchObject({ type: 'finish', finishReason: { unified: 'length', raw: 'incomplete:max_output_tokens' }, usage: { outputTokens: 16 } });
  });

  it('reads response.failed as an error part with the gateway error type', () => {
    const parts = decodeStream(readSseFixture('failed.sse'));
    expect(parts).toEqual([
      { type: 'response-start', id: 'resp_test_failed_001', model: 'gpt-4.1-mini-2025-04-14' },
      { type: 'error', error: { type: 'rate_limit_error', message: expect.stringContaining('Please try again in 4.728s') } },
    ]);
  });

  it('reads an error event', () => {
    const parts = decodeStream([{ event: 'error', data: '{"type":"error","sequence_number":2,"code":"server_error","message":"The server had an error.","param":null}' }]);
    expect(parts).toEqual([{ type: 'error', error: { type: 'api_error', message: 'The server had an error.' } }]);
  });

  it('turns a truncated upstream into an error part on end(), after the parts it did get', () => {
    const events = readSseFixture('reasoning-function-call.sse');
    const parts = decodeStream(events.slice(0, events.length - 4));
    expect(parts.filter((part) => part.type === 'finish')).toEqual([]);
    expect(parts[parts.length - 1]).toEqual({ type: 'error', error: { type: 'api_error', message: 'the upstream stream ended before response.completed', code: 'SB_UPSTREAM_STREAM_BROKEN' } });
    expect(decodeStream([], true)).toHaveLength(1);
  });

  it('fills in from output_item.done what the deltas missed', () => {
    const events = readSseFixture('text.sse').filter((event) => event.event !== 'response.output_text.delta' || !event.data.includes('" you today"'));
    const text = decodeStream(events)
      .filter((part) => part.type === 'text-delta')
      .map((part) => (part.type === 'text-delta' ? part.text : ''))
      .join('');
    // A gap in the middle cannot be repaired once the rest was sent; nothing is appended out of place.
    expect(text).toBe('Hello! How can I help?');
    const tailless = readSseFixture('text.sse').filter((event) => event.event !== 'response.output_text.delta' || !event.data.includes('"delta":"?"'));
    expect(mergeDeltas(decodeStream(tailless)).find((part) => part.type === 'text-delta')).toEqual({ type: 'text-delta', index: 0, text: 'Hello! How can I help you today?' });
    const withoutDeltas = readSseFixture('reasoning-function-call.sse').filter((event) => !event.event?.endsWith('.delta'));
    const parts = mergeDeltas(decodeStream(withoutDeltas));
    expect(parts.filter((part) => part.type === 'tool-call-delta')).toEqual([{ type: 'tool-call-delta', index: 2, inputDelta: '{"command":"ls src/sse","workdir":"/home/dev/switchboard"}' }]);
    expect(parts.filter((part) => part.type === 'reasoning-delta').map((part) => (part.type === 'reasoning-delta' ? part.text : ''))).toEqual([
      "**Inspecting the SSE folder**\n\nI'll list the files first.",
      '**Running the tests**',
    ]);
  });

  it('reports malformed JSON as a broken stream and ignores what follows', () => {
    const parts = decodeStream([{ event: 'response.created', data: '{"type":"response.cre' }, ...readSseFixture('text.sse')]);
    expect(parts).toEqual([{ type: 'error', error: { type: 'api_error', message: expect.stringContaining('malformed'), code: 'SB_UPSTREAM_STREAM_BROKEN' } }]);
  });
});

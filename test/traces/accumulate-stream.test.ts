import { describe, expect, it } from 'vitest';
import { createStreamAccumulator } from '../../src/canonical/accumulate-stream.js';
import type { StreamPart } from '../../src/canonical/stream.js';

function fold(parts: StreamPart[]) {
  const accumulator = createStreamAccumulator();
  for (const part of parts) accumulator.push(part);
  return accumulator;
}

describe('createStreamAccumulator', () => {
  it('is empty before any part', () => {
    expect(createStreamAccumulator().result()).toBeUndefined();
  });

  it('assembles reasoning with its signature, text and a tool call with its input reassembled', () => {
    const accumulator = fold([
      { type: 'response-start', id: 'msg_1', model: 'claude-sonnet-4-5-20250929', usage: { inputTokens: 1200, cacheReadTokens: 1000 } },
      { type: 'reasoning-start', index: 0 },
      { type: 'reasoning-delta', index: 0, text: 'The user wants ' },
      { type: 'reasoning-delta', index: 0, text: 'a file listing.' },
      { type: 'reasoning-signature', index: 0, signature: { format: 'anthropic', value: 'EqQBCkYIBxgCKkD' } },
      { type: 'reasoning-end', index: 0 },
      { type: 'text-start', index: 1 },
      { type: 'text-delta', index: 1, text: 'Let me ' },
      { type: 'text-delta', index: 1, text: 'look.' },
      { type: 'text-end', index: 1 },
      { type: 'tool-call-start', index: 2, id: 'toolu_01', name: 'Bash', kind: 'function' },
      { type: 'tool-call-delta', index: 2, inputDelta: '{"command":' },
      { type: 'tool-call-delta', index: 2, inputDelta: '"ls -la"}' },
      { type: 'tool-call-end', index: 2 },
      { type: 'usage', usage: { outputTokens: 40 } },
      { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_use' }, usage: { inputTokens: 1200, outputTokens: 52, cacheReadTokens: 1000 } },
    ]);
    expect(accumulator.error).toBeUndefined();
    expect(accumulator.result()).toEqual({
      id: 'msg_1',
      model: 'claude-sonnet-4-5-20250929',
      content: [
        { type: 'reasoning', text: 'The user wants a file listing.', signature: { format: 'anthropic', value: 'EqQBCkYIBxgCKkD' } },
        { type: 'text', text: 'Let me look.' },
        { type: 'tool-call', id: 'toolu_01', name: 'Bash', kind: 'function', input: '{"command":"ls -la"}' },
      ],
      finishReason: { unified: 'tool-calls', raw: 'tool_use' },
      usage: { inputTokens: 1200, outputTokens: 52, cacheReadTokens: 1000 },
    });
  });

  it('keeps interleaved parallel tool calls apart and orders blocks by index', () => {
    const result = fold([
      { type: 'response-start', id: 'chatcmpl-1', model: 'gpt-5' },
      { type: 'tool-call-start', index: 1, id: 'call_b', name: 'read', kind: 'function' },
      { type: 'tool-call-start', index: 0, id: 'call_a', name: 'read', kind: 'function' },
      { type: 'tool-call-delta', index: 0, inputDelta: '{"path":"a' },
      { type: 'tool-call-delta', index: 1, inputDelta: '{"path":"b' },
      { type: 'tool-call-delta', index: 0, inputDelta: '.ts"}' },
      { type: 'tool-call-delta', index: 1, inputDelta: '.ts"}' },
      { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_calls' } },
    ]).result();
    expect(result?.content).toEqual([
      { type: 'tool-call', id: 'call_a', name: 'read', kind: 'function', input: '{"path":"a.ts"}' },
      { type: 'tool-call', id: 'call_b', name: 'read', kind: 'function', input: '{"path":"b.ts"}' },
    ]);
    expect(result?.usage).toBeUndefined();
  });

  it('keeps custom tool calls, redacted reasoning, refusals and provider data', () => {
    const result = fold([
      { type: 'response-start', id: 'resp_1', model: 'gpt-5-codex', providerData: { 'openai-responses': { service_tier: 'default' } } },
      { type: 'reasoning-start', index: 0, redacted: 'opaque', providerData: { 'openai-responses': { id: 'rs_1' } } },
      { type: 'reasoning-end', index: 0 },
      { type: 'tool-call-start', index: 1, id: 'call_1', name: 'apply_patch', kind: 'custom' },
      { type: 'tool-call-delta', index: 1, inputDelta: '*** Begin Patch\n' },
      { type: 'refusal-delta', index: 2, text: "I can't " },
      { type: 'refusal-delta', index: 2, text: 'help with that.' },
      { type: 'finish', finishReason: { unified: 'stop', raw: 'completed' }, providerData: { 'openai-responses': { status: 'completed' } } },
    ]).result();
    expect(result?.content).toEqual([
      { type: 'reasoning', text: '', redacted: 'opaque', providerData: { 'openai-responses': { id: 'rs_1' } } },
      { type: 'tool-call', id: 'call_1', name: 'apply_patch', kind: 'custom', input: '*** Begin Patch\n' },
      { type: 'refusal', text: "I can't help with that." },
    ]);
    expect(result?.providerData).toEqual({ 'openai-responses': { service_tier: 'default', status: 'completed' } });
  });

  it('opens a block for a delta whose start never came, instead of losing the text', () => {
    const result = fold([{ type: 'text-delta', index: 0, text: 'orphan' }]).result();
    expect(result?.content).toEqual([{ type: 'text', text: 'orphan' }]);
    expect(result?.finishReason).toEqual({ unified: 'incomplete', raw: 'incomplete' });
  });

  it('returns the partial answer of a stream that failed, with its error', () => {
    const accumulator = fold([
      { type: 'response-start', id: 'msg_2', model: 'claude-opus-4-1' },
      { type: 'text-start', index: 0 },
      { type: 'text-delta', index: 0, text: 'Half an ans' },
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    ]);
    expect(accumulator.error).toEqual({ type: 'overloaded_error', message: 'Overloaded' });
    expect(accumulator.result()).toMatchObject({ content: [{ type: 'text', text: 'Half an ans' }], finishReason: { unified: 'incomplete', raw: 'overloaded_error' } });
  });

  it('fills missing token counts with zero once any usage is known', () => {
    const result = fold([
      { type: 'response-start', id: 'x', model: 'm', usage: { inputTokens: 10 } },
      { type: 'finish', finishReason: { unified: 'stop' } },
    ]).result();
    expect(result?.usage).toEqual({ inputTokens: 10, outputTokens: 0 });
  });
});

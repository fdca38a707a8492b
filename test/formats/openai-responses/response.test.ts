import { describe, expect, it } from 'vitest';
import type { EncodeContext } from '../../../src/canonical/codec.js';
import type { CanonicalResponse } from '../../../src/canonical/types.js';
import { GatewayError } from '../../../src/errors/gateway-error.js';
import { openaiResponsesCodec as codec } from '../../../src/formats/openai-responses/index.js';
import { readJsonFixture } from './fixtures.js';

const codexRequest = codec.decodeRequest(readJsonFixture('codex-request.json')).value;
const context: EncodeContext = { clientModel: 'gpt-5.1-codex', request: codexRequest };

describe('openai-responses response decoding', () => {
  it('reads reasoning summaries, the encrypted content and a function call', () => {
    const response = codec.decodeResponse(readJsonFixture('response-reasoning-function-call.json'));
    expect(response).toMatchObject({
      id: 'resp_01830d662ab3856501693c321345c88190b0de00f3b9975691',
      model: 'gpt-5.1-codex',
      finishReason: { unified: 'tool-calls', raw: 'completed' },
      usage: { inputTokens: 4312, outputTokens: 181, cacheReadTokens: 4096, reasoningTokens: 128 },
    });
    expect(response.content.map((part) => part.type)).toEqual(['reasoning', 'reasoning', 'tool-call']);
    expect(response.content[0]).toMatchObject({ text: "**Inspecting the SSE folder**\n\nI'll list the files first." });
    expect(response.content[1]).toMatchObject({ text: '**Running the tests**', signature: { format: 'openai-responses' } });
    expect(response.content[2]).toMatchObject({ id: 'call_Q6pW65MUgW9vF59BmItYGos3', name: 'shell_command', kind: 'function', input: '{"command":"ls src/sse","workdir":"/home/dev/switchboard"}' });
  });

  it('reads a text answer with stop', () => {
    const response = codec.decodeResponse(readJsonFixture('response-text.json'));
    expect(response.content).toMatchObject([{ type: 'text', text: 'Hello! How can I help you today?' }]);
    expect(response.finishReason).toEqual({ unified: 'stop', raw: 'completed' });
  });

  it('rejects a body that is not a response', () => {
    expect(() => codec.decodeResponse({ error: { message: 'x' } })).toThrow(GatewayError);
  });
});

describe('openai-responses response encoding', () => {
  for (const name of ['response-reasoning-function-call.json', 'response-text.json']) {
    it(`round-trips the output, usage and status of ${name}`, () => {
      const fixture = readJsonFixture(name);
      const encoded = codec.encodeResponse(codec.decodeResponse(fixture), { ...context, clientModel: String(fixture.model) });
      expect(encoded).toMatchObject({ id: fixture.id, object: 'response', status: fixture.status, model: fixture.model, incomplete_details: null, error: null });
      expect(encoded.output).toEqual(fixture.output);
      expect(encoded.usage).toEqual(fixture.usage);
    });
  }

  it('writes a translated answer the way Codex reads it: ids, custom tool calls, echoed settings', () => {
    const response: CanonicalResponse = {
      id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
      model: 'claude-sonnet-4-5-20250929',
      content: [
        { type: 'reasoning', text: 'Need a patch.', signature: { format: 'anthropic', value: 'EqQBCkYIBRgCKkC' } },
        { type: 'text', text: 'Applying the patch.' },
        { type: 'tool-call', id: 'toolu_01', name: 'apply_patch', kind: 'function', input: '{"input":"*** Begin Patch\\n*** End Patch\\n"}' },
        { type: 'tool-call', id: 'toolu_02', name: 'shell_command', kind: 'function', input: '{"command":"npm test"}' },
      ],
      finishReason: { unified: 'tool-calls', raw: 'tool_use' },
      usage: { inputTokens: 2000, outputTokens: 300, cacheReadTokens: 1500, cacheWriteTokens: 100 },
    };
    const encoded = codec.encodeResponse(response, context);
    expect(encoded).toMatchObject({
      id: 'resp_msg_01XFDUDYJgAACzvnptvVoYEL',
      object: 'response',
      status: 'completed',
      model: 'gpt-5.1-codex',
      parallel_tool_calls: false,
      tool_choice: 'auto',
      reasoning: { effort: 'medium', summary: 'auto' },
      usage: { input_tokens: 2000, input_tokens_details: { cached_tokens: 1500 }, output_tokens: 300, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 2300 },
    });
    expect(encoded.tools).toHaveLength(4);
    expect(encoded.output).toEqual([
      // Claude's signature travels as a gateway marker that Codex sends back next turn.
      { id: expect.stringMatching(/^rs_/), type: 'reasoning', summary: [{ type: 'summary_text', text: 'Need a patch.' }], encrypted_content: 'sb:anthropic:EqQBCkYIBRgCKkC' },
      { id: expect.stringMatching(/^msg_/), type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', annotations: [], logprobs: [], text: 'Applying the patch.' }] },
      { id: expect.stringMatching(/^ctc_/), type: 'custom_tool_call', status: 'completed', call_id: 'toolu_01', name: 'apply_patch', input: '*** Begin Patch\n*** End Patch\n' },
      { id: expect.stringMatching(/^fc_/), type: 'function_call', status: 'completed', call_id: 'toolu_02', name: 'shell_command', arguments: '{"command":"npm test"}' },
    ]);
  });

  it('writes length as incomplete with max_output_tokens', () => {
    const encoded = codec.encodeResponse({ id: 'resp_1', model: 'm', content: [{ type: 'text', text: 'The' }], finishReason: { unified: 'length', raw: 'max_tokens' } }, context);
    expect(encoded).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
  });
});

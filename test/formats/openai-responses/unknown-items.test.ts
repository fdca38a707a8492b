import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/errors/gateway-error.js';
import { anthropicCodec } from '../../../src/formats/anthropic-messages/index.js';
import { openaiChatCodec } from '../../../src/formats/openai-chat/index.js';
import { openaiResponsesCodec as codec } from '../../../src/formats/openai-responses/index.js';

// Item shapes from Codex 0.169's ResponseItem (codex-rs/protocol/src/models.rs) and made-up future types.
const futureItem = { type: 'future_item', id: 'fi_1', payload: { anything: [1, 2] } };
const configurationUpdate = { type: 'configuration_update', reasoning: { effort: 'high' } };
const agentMessage = { type: 'agent_message', id: 'am_1', author: '/root/worker', recipient: '/root', content: [{ type: 'input_text', text: 'Tests pass.' }] };
const encryptedAgentMessage = { type: 'agent_message', author: '/root/worker', recipient: '/root', content: [{ type: 'encrypted_content', encrypted_content: 'gAAAA…' }] };
const additionalTools = {
  type: 'additional_tools',
  role: 'developer',
  tools: [
    { type: 'namespace', name: 'functions', description: '', tools: [{ type: 'function', name: 'lookup', description: 'Look up a word', strict: false, parameters: { type: 'object', properties: { q: { type: 'string' } } } }] },
    { type: 'future_tool', name: 'teleport' },
  ],
};

const body = {
  model: 'gpt-6.1-sol',
  input: [
    additionalTools,
    { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Be brief.' }] },
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Check the tests.' }, { type: 'input_audio', audio_url: 'data:audio/wav;base64,AAAA' }] },
    futureItem,
    { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Asking the worker.' }] },
    configurationUpdate,
    agentMessage,
    encryptedAgentMessage,
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'And now?' }] },
    { type: 'later_item' },
  ],
  stream: true,
};

describe('openai-responses: input items and tools the canonical model has no form for', () => {
  const { value: request, warnings } = codec.decodeRequest(body);

  it('never fails the request, and names each item it cannot give other formats', () => {
    expect(warnings.map((warning) => warning.path)).toEqual(['input[0].tools[1]', 'input[2].content[1]', 'input[3]', 'input[5]', 'input[6]', 'input[7]', 'input[9]']);
    expect(warnings.find((warning) => warning.path === 'input[3]')?.message).toContain('"future_item" is an item type this gateway does not know');
  });

  it('puts every item back verbatim and in place for a Responses upstream', () => {
    const input = codec.encodeRequest(request, 'gpt-5.5-codex').value.input as unknown[];
    // The audio part of input[2] is the one thing lost: a content type, not an item.
    const expected = body.input.map((item, index) => (index === 2 ? { ...item, content: [(item as { content: unknown[] }).content[0]] } : item));
    expect(input).toEqual(expected);
    expect(input[3]).toBe(futureItem);
    expect(input[6]).toBe(agentMessage);
  });

  for (const [format, encode] of [['anthropic', anthropicCodec.encodeRequest], ['openai-chat', openaiChatCodec.encodeRequest]] as const) {
    it(`leaves them out for ${format}, keeping the plain-text agent message as a user turn and the namespace tool`, () => {
      const written = JSON.stringify(encode(request, 'model-x').value);
      for (const absent of ['future_item', 'later_item', 'configuration_update', 'teleport', 'gAAAA', 'input_audio']) expect(written).not.toContain(absent);
      expect(written).toContain('Message from /root/worker to /root:\\nTests pass.');
      expect(written).toContain('functions__lookup');
    });
  }
});

describe('openai-responses: items whose loss would change the conversation', () => {
  for (const item of [
    { type: 'compaction', encrypted_content: 'gAAAAB-summary' },
    { type: 'context_compaction', encrypted_content: 'gAAAAB-summary' },
    { type: 'compaction_trigger' },
  ]) {
    const compacted = { model: 'gpt-6.1-sol', input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Fix the bug.' }] }, item] };
    const request = codec.decodeRequest(compacted).value;

    it(`${item.type}: goes to a Responses upstream as it came`, () => {
      expect(codec.encodeRequest(request, 'gpt-5.5-codex').value).toEqual({ ...compacted, model: 'gpt-5.5-codex' });
    });

    it(`${item.type}: is refused for Anthropic and Chat upstreams with a 400 that names it and what to do`, () => {
      for (const encode of [anthropicCodec.encodeRequest, openaiChatCodec.encodeRequest]) {
        let thrown: unknown;
        try {
          encode(request, 'model-x');
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(GatewayError);
        expect(thrown).toMatchObject({ code: 'SB_REQUEST_UNTRANSLATABLE', status: 400 });
        expect((thrown as Error).message).toMatch(new RegExp(`^input\\[1\\]: a ${item.type} .*route this model to an openai-responses provider, or start a new conversation$`));
      }
    });
  }
});

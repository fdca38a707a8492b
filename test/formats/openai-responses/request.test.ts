import { describe, expect, it } from 'vitest';
import type { CanonicalRequest, ReasoningPart, ToolCallPart } from '../../../src/canonical/types.js';
import { GatewayError } from '../../../src/errors/gateway-error.js';
import { anthropicCodec } from '../../../src/formats/anthropic-messages/index.js';
import { openaiResponsesCodec as codec } from '../../../src/formats/openai-responses/index.js';
import { readJsonFixture, readRealClientBody } from './fixtures.js';

describe('openai-responses request decoding', () => {
  const body = readJsonFixture('codex-request.json');
  const { value: request, warnings } = codec.decodeRequest(body);

  it('reads Codex instructions and its leading developer message as the system prompt', () => {
    expect(request.system.map((part) => part.text)).toEqual([
      'You are Codex, based on GPT-5. You are running as a coding agent in the Codex CLI on a user\'s computer.',
      expect.stringContaining('<permissions instructions>'),
    ]);
    expect(warnings).toEqual([]);
  });

  it('folds items into alternating canonical messages', () => {
    expect(request.messages.map((message) => `${message.role}:${message.content.map((part) => part.type).join(',')}`)).toEqual([
      'user:text,text,text',
      'assistant:reasoning,tool-call',
      'user:tool-result',
      'assistant:reasoning,reasoning,tool-call',
      'user:tool-result',
      'assistant:reasoning,text',
      'user:text',
    ]);
  });

  it('keeps encrypted reasoning as an openai-responses signature on the last summary part', () => {
    const assistant = request.messages[3]!;
    const [first, second] = assistant.content as ReasoningPart[];
    expect(first!.text).toBe('**Planning the rename**');
    expect(first!.signature).toBeUndefined();
    expect(second!.signature).toEqual({ format: 'openai-responses', value: expect.stringMatching(/^gAAAA/) });
    const encryptedOnly = request.messages[5]!.content[0] as ReasoningPart;
    expect(encryptedOnly.text).toBe('');
    expect(encryptedOnly.signature?.format).toBe('openai-responses');
  });

  it('reads custom (freeform) tool calls and outputs as kind custom, and names tool results', () => {
    const call = request.messages[3]!.content[2] as ToolCallPart;
    expect(call).toMatchObject({ type: 'tool-call', kind: 'custom', name: 'apply_patch', id: 'call_AB6AaRZ1FYZB2RwS6A5vbdqn' });
    expect(call.input).toContain('*** Begin Patch');
    expect(request.messages[4]!.content[0]).toMatchObject({ type: 'tool-result', kind: 'custom', name: 'apply_patch', toolCallId: 'call_AB6AaRZ1FYZB2RwS6A5vbdqn' });
    expect(request.messages[2]!.content[0]).toMatchObject({ type: 'tool-result', kind: 'function', name: 'shell_command' });
  });

  it('maps tools, tool choice, reasoning and keeps Responses-only fields', () => {
    expect(request.tools.map((tool) => `${tool.kind}:${tool.name}`)).toEqual(['function:shell_command', 'function:update_plan', 'custom:apply_patch', 'builtin:web_search']);
    expect(request.tools[2]).toMatchObject({ kind: 'custom', format: { type: 'grammar', syntax: 'lark' } });
    expect(request.toolChoice).toEqual({ type: 'auto' });
    expect(request.parallelToolCalls).toBe(false);
    expect(request.reasoning).toEqual({ enabled: true, effort: 'medium', summary: 'auto' });
    expect(request.stream).toBe(true);
    expect(request.providerData?.['openai-responses']).toMatchObject({
      extra: { store: false, include: ['reasoning.encrypted_content'] },
      verbosity: 'medium',
    });
    // Every OpenAI writer can send the cache key, so it has a canonical home.
    expect(request.promptCacheKey).toBe('0199a9f4-6c0e-7d52-9a4b-3f1f0c6b2e11');
  });

  it('round-trips: encode(decode(x)) equals x with the upstream model', () => {
    const encoded = codec.encodeRequest(request, 'gpt-5.1-codex-max');
    expect(encoded.warnings).toEqual([]);
    expect(encoded.value).toEqual({ ...body, model: 'gpt-5.1-codex-max' });
  });

  for (const name of ['codex-fallback-model-request-1.json', 'codex-fallback-model-request-3.json']) {
    it(`round-trips Codex's fallback-model request ${name}, namespace tool included`, () => {
      const fallback = readRealClientBody(name);
      const decoded = codec.decodeRequest(fallback);
      expect(decoded.warnings).toEqual([]);
      const encoded = codec.encodeRequest(decoded.value, 'gpt-5.1-codex-max');
      expect(encoded.warnings).toEqual([]);
      expect(encoded.value).toEqual({ ...fallback, model: 'gpt-5.1-codex-max' });
    });
  }

  it('round-trips plain string input, typeless messages, images, files and item ids', () => {
    const simple = { model: 'gpt-4.1', input: 'Say hi', max_output_tokens: 50, temperature: 0.2, top_p: 0.9, user: 'u-1', stream: false };
    expect(codec.encodeRequest(codec.decodeRequest(simple).value, 'gpt-4.1').value).toEqual(simple);
    const rich = {
      model: 'gpt-4.1',
      input: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'input_text', text: 'What is this?' }, { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'high' }, { type: 'input_file', filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' }] },
        { id: 'msg_1', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'A logo.', annotations: [] }], phase: 'final_answer' },
        { id: 'rs_1', type: 'reasoning', summary: [] },
        { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'lookup', arguments: '{"q":"logo"}', status: 'completed' },
        { type: 'function_call_output', call_id: 'call_1', output: [{ type: 'input_text', text: 'found' }] },
        { role: 'developer', content: 'Answer in French from now on.' },
        { role: 'user', content: 'Encore ?' },
      ],
      tools: [{ type: 'function', name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } }],
      tool_choice: { type: 'function', name: 'lookup' },
      text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true } },
      reasoning: { effort: 'none' },
      safety_identifier: 'hash-123',
      previous_response_id: 'resp_abc',
    };
    const decoded = codec.decodeRequest(rich);
    expect(decoded.value.system.map((part) => part.text)).toEqual(['Be brief.']);
    expect(decoded.value.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user', 'system', 'user']);
    expect(decoded.value.reasoning).toEqual({ enabled: false });
    expect(decoded.value.user).toBe('hash-123');
    expect(decoded.value.tools[0]).toMatchObject({ kind: 'function', strict: true });
    expect(decoded.warnings.map((warning) => warning.path)).toEqual(['previous_response_id']);
    expect(codec.encodeRequest(decoded.value, 'gpt-4.1').value).toEqual(rich);
  });

  it('warns about what only OpenAI can resolve: item_reference, file ids, hosted items', () => {
    const { value, warnings } = codec.decodeRequest({
      model: 'gpt-4.1',
      input: [
        { type: 'item_reference', id: 'msg_stored' },
        { role: 'user', content: [{ type: 'input_image', file_id: 'file-1', detail: 'auto' }, { type: 'input_text', text: 'see image' }] },
        { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'sse' } },
      ],
    });
    expect(warnings.map((warning) => warning.path)).toEqual(['input[0]', 'input[1].content[0]', 'input[2]']);
    expect(value.messages).toMatchObject([{ role: 'user', content: [{ type: 'text', text: 'see image' }] }]);
    expect(value.messages[0]!.content).toHaveLength(1);
  });

  it('rejects bodies that cannot be Responses requests', () => {
    expect(() => codec.decodeRequest([])).toThrow(GatewayError);
    expect(() => codec.decodeRequest({ model: 'm', input: 5 })).toThrow(/input/);
    expect(() => codec.decodeRequest({ model: 'm', input: [7] })).toThrow(/input\[0\] must be an object/);
  });
});

describe('openai-responses request encoding from another format', () => {
  const foreign: CanonicalRequest = {
    model: 'claude-sonnet-4-5',
    stream: true,
    system: [{ type: 'text', text: 'You are Claude Code.' }],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'Edit the file.' }] },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'Thinking about it', signature: { format: 'anthropic', value: 'EqQBCkYIBRgCKkC' } },
          { type: 'text', text: 'Patching now.' },
          { type: 'tool-call', id: 'toolu_1', name: 'apply_patch', kind: 'function', input: '{"input":"*** Begin Patch\\n*** End Patch\\n"}' },
          { type: 'tool-call', id: 'toolu_2', name: 'Read', kind: 'function', input: '{"file_path":"/a.ts"}' },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool-result', toolCallId: 'toolu_1', kind: 'function', content: [{ type: 'text', text: 'Done' }] },
          { type: 'tool-result', toolCallId: 'toolu_2', kind: 'function', content: [{ type: 'text', text: 'no such file' }], isError: true },
        ],
      },
    ],
    tools: [
      { kind: 'custom', name: 'apply_patch', description: 'Apply a patch' },
      { kind: 'function', name: 'Read', parameters: { type: 'object', properties: { file_path: { type: 'string' } } } },
      { kind: 'builtin', format: 'anthropic', name: 'web_search', raw: { type: 'web_search_20250305', name: 'web_search' } },
    ],
    toolChoice: { type: 'tool', name: 'apply_patch' },
    maxOutputTokens: 8000,
    stopSequences: ['END'],
    reasoning: { enabled: true, budgetTokens: 10000 },
    providerData: { anthropic: { extra: { context_management: { edits: [] } } } },
  };
  const { value, warnings } = codec.encodeRequest(foreign, 'gpt-5.1');

  it('writes instructions, history items and never another family\'s reasoning signature', () => {
    expect(value.instructions).toBe('You are Claude Code.');
    expect(value.input).toEqual([
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Edit the file.' }] },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Patching now.' }] },
      { type: 'custom_tool_call', call_id: 'toolu_1', name: 'apply_patch', input: '*** Begin Patch\n*** End Patch\n' },
      { type: 'function_call', call_id: 'toolu_2', name: 'Read', arguments: '{"file_path":"/a.ts"}' },
      { type: 'custom_tool_call_output', call_id: 'toolu_1', output: 'Done' },
      { type: 'function_call_output', call_id: 'toolu_2', output: 'no such file' },
    ]);
    expect(JSON.stringify(value)).not.toContain('EqQBCkYIBRgCKkC');
  });

  it('sets stateless defaults and maps settings, warning about every loss', () => {
    expect(value).toMatchObject({
      model: 'gpt-5.1',
      stream: true,
      store: false,
      include: ['reasoning.encrypted_content'],
      max_output_tokens: 8000,
      reasoning: { effort: 'medium', summary: 'auto' },
      tool_choice: { type: 'custom', name: 'apply_patch' },
      tools: [
        { type: 'custom', name: 'apply_patch', description: 'Apply a patch' },
        { type: 'function', name: 'Read', parameters: { type: 'object', properties: { file_path: { type: 'string' } } }, strict: false },
      ],
    });
    expect(warnings.map((warning) => warning.path).sort()).toEqual([
      'messages',
      'messages[2].content[1]',
      'providerData.anthropic',
      'reasoning.budgetTokens',
      'stopSequences',
      'tools[2]',
    ]);
  });
});

describe('reasoning signatures across families', () => {
  it('reads a gateway marker in encrypted_content back as the issuing family, and never sends it to OpenAI', () => {
    const request = codec.decodeRequest({
      model: 'gpt-5',
      input: [
        { role: 'user', content: 'run ls' },
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'use ls' }], encrypted_content: 'sb:anthropic:EqQBCgIYAhIM' },
        { type: 'function_call', id: 'fc_1', call_id: 'toolu_1', name: 'bash', arguments: '{"command":"ls"}' },
        { type: 'function_call_output', call_id: 'toolu_1', output: 'a.txt' },
      ],
      reasoning: { effort: 'medium' },
      max_output_tokens: 20000,
    }).value;
    expect(request.messages[1]!.content[0]).toMatchObject({ type: 'reasoning', text: 'use ls', signature: { format: 'anthropic', value: 'EqQBCgIYAhIM' } });

    const toAnthropic = anthropicCodec.encodeRequest(request, 'claude-sonnet-4-5').value as { messages: Array<{ role: string; content: Array<{ type: string; signature?: string }> }>; thinking?: unknown };
    expect(toAnthropic.messages[1]!.content[0]).toEqual({ type: 'thinking', thinking: 'use ls', signature: 'EqQBCgIYAhIM' });
    expect(toAnthropic.thinking).toMatchObject({ type: 'enabled' });

    const toOpenai = JSON.stringify(codec.encodeRequest(request, 'gpt-5').value);
    expect(toOpenai).not.toContain('sb:anthropic');
  });
});

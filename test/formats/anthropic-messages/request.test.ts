import { describe, expect, it } from 'vitest';
import { anthropicCodec } from '../../../src/formats/anthropic-messages/index.js';
import { readJsonFixture } from './helpers.js';

describe('Anthropic requests', () => {
  it('round-trips a Claude Code request exactly, without warnings', () => {
    const body = readJsonFixture('anthropic-messages/request-claude-code.json');
    const decoded = anthropicCodec.decodeRequest(body);
    expect(decoded.warnings).toEqual([]);
    const encoded = anthropicCodec.encodeRequest(decoded.value, 'claude-sonnet-4-5-20250929');
    expect(encoded.warnings).toEqual([]);
    expect(encoded.value).toEqual(body);
  });

  it('reads the Claude Code request into the canonical model', () => {
    const { value } = anthropicCodec.decodeRequest(readJsonFixture('anthropic-messages/request-claude-code.json'));
    expect(value.system.map((part) => part.text)).toEqual([
      "You are Claude Code, Anthropic's official CLI for Claude.",
      'Here is useful information about the environment you are running in:\n<env>\nWorking directory: /home/dev/app\n</env>',
    ]);
    expect(value.providerData?.anthropic).toMatchObject({
      billingHeader: { type: 'text', text: expect.stringContaining('x-anthropic-billing-header') },
      extra: { context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] } },
    });
    expect(value.reasoning).toEqual({ enabled: true, budgetTokens: 10000 });
    expect(value.parallelToolCalls).toBe(true);
    expect(value.toolChoice).toEqual({ type: 'auto' });
    expect(value.user).toContain('device_id');
    expect(value.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user', 'system', 'assistant', 'user']);
    expect(value.messages[1]!.content[0]).toEqual({ type: 'reasoning', text: 'The user wants the failing test. I should run it first.', signature: { format: 'anthropic', value: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds' } });
    expect(value.messages[1]!.content[2]).toEqual({ type: 'tool-call', id: 'toolu_01A09q90qw90lq917835lq9', name: 'Bash', kind: 'function', input: '{"command":"npm test -- login","description":"Run the login test"}' });
    expect(value.messages[2]!.content[0]).toMatchObject({ type: 'tool-result', toolCallId: 'toolu_01A09q90qw90lq917835lq9', isError: true });
    expect(value.tools[2]).toMatchObject({ kind: 'function', name: 'WebFetch', providerData: { anthropic: { defer_loading: true } } });
  });

  it('never rejects unknown fields, and rejects bodies that cannot be requests', () => {
    expect(() => anthropicCodec.decodeRequest({ model: 'm', messages: [], brand_new_field: { x: 1 } })).not.toThrow();
    for (const body of [null, [], { model: 'm' }, { messages: [{ role: 'robot', content: 'hi' }] }, { messages: [{ role: 'user', content: 42 }] }]) {
      expect(() => anthropicCodec.decodeRequest(body)).toThrowError(expect.objectContaining({ code: 'SB_REQUEST_INVALID' }));
    }
  });

  it('drops thinking blocks without an Anthropic signature, with a warning', () => {
    const request = anthropicCodec.decodeRequest({
      model: 'm',
      max_tokens: 1000,
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: [ { type: 'thinking', thinking: 'from deepseek', signature: 'sb:none:' }, { type: 'text', text: 'hello' } ] },
        { role: 'user', content: 'again' },
      ],
    }).value;
    expect(request.messages[1]!.content[0]).toEqual({ type: 'reasoning', text: 'from deepseek' });
    const encoded = anthropicCodec.encodeRequest(request, 'claude');
    expect((encoded.value.messages as Array<{ content: unknown }>)[1]!.content).toEqual([{ type: 'text', text: 'hello' }]);
    expect(encoded.warnings).toEqual([expect.objectContaining({ type: 'unsupported', path: 'messages', message: expect.stringContaining('without an Anthropic signature') })]);
  });

  it('merges consecutive same-role turns with tool results first, writes custom tools as functions, and turns thinking off for a tool turn no Anthropic thinking opened', () => {
    const encoded = anthropicCodec.encodeRequest(
      {
        model: 'codex',
        stream: false,
        system: [],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'patch it' }] },
          { role: 'assistant', content: [{ type: 'tool-call', id: 'call_1', name: 'apply_patch', kind: 'custom', input: '*** Begin Patch' }] },
          { role: 'user', content: [{ type: 'text', text: 'also this' }] },
          { role: 'user', content: [{ type: 'tool-result', toolCallId: 'call_1', kind: 'custom', content: [{ type: 'text', text: 'Done' }] }] },
        ],
        tools: [{ kind: 'custom', name: 'apply_patch', description: 'Apply a patch' }],
        reasoning: { enabled: true, effort: 'high' },
        maxOutputTokens: 64000,
        temperature: 0.3,
      },
      'claude-opus-4-1',
    );
    expect(encoded.value).toEqual({
      model: 'claude-opus-4-1',
      max_tokens: 64000,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'patch it' }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'apply_patch', input: { input: '*** Begin Patch' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: [{ type: 'text', text: 'Done' }] }, { type: 'text', text: 'also this' }] },
      ],
      tools: [{ name: 'apply_patch', description: 'Apply a patch', input_schema: { type: 'object', properties: { input: { type: 'string', description: expect.stringContaining('freeform') } }, required: ['input'], additionalProperties: false } }],
      temperature: 0.3,
    });
    expect(encoded.warnings.map((warning) => warning.path)).toEqual(['reasoning', 'tools[0]']);
  });

  it('keeps thinking on in a tool loop whose last assistant turn opens with a signed thinking block', () => {
    const request = anthropicCodec.decodeRequest({
      model: 'm',
      max_tokens: 20000,
      thinking: { type: 'enabled', budget_tokens: 10000 },
      messages: [
        { role: 'user', content: 'list files' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'use ls', signature: 'EqQBCgIYAhIM' }, { type: 'tool_use', id: 'toolu_1', name: 'bash', input: { command: 'ls' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'a.txt' }] },
      ],
    }).value;
    const encoded = anthropicCodec.encodeRequest(request, 'claude');
    expect(encoded.value.thinking).toEqual({ type: 'enabled', budget_tokens: 10000 });
    expect(encoded.warnings).toEqual([]);
  });

  it('maps output_config effort and adaptive thinking, and json schema output', () => {
    const body = {
      model: 'claude-opus-4-6',
      max_tokens: 8000,
      messages: [{ role: 'user', content: 'hi' }],
      thinking: { type: 'adaptive' },
      output_config: { effort: 'max', format: { type: 'json_schema', schema: { type: 'object' } } },
    };
    const decoded = anthropicCodec.decodeRequest(body).value;
    expect(decoded.reasoning).toEqual({ enabled: true, effort: 'xhigh' });
    expect(decoded.responseFormat).toEqual({ type: 'json_schema', schema: { type: 'object' } });
    expect(anthropicCodec.encodeRequest(decoded, 'claude-opus-4-6').value).toEqual(body);
  });
});

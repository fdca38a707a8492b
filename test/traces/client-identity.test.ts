import { describe, expect, it } from 'vitest';
import { isClaudeCodeCompaction } from '../../src/traces/claude-code-compaction.js';
import { cleanClientValue } from '../../src/traces/client-value.js';
import { identifyClient } from '../../src/traces/client-identity.js';
import { readCapture } from '../helpers/real-client-capture.js';

const identityOf = (name: string): ReturnType<typeof identifyClient> => {
  const capture = readCapture(name);
  return identifyClient(capture.headers, capture.body);
};

describe('identifyClient on real Claude Code 2.1.330 requests', () => {
  it('the main agent: a session, no agent, a turn', () => {
    expect(identityOf('claude-code-opus-request-1.json')).toEqual({ session: 'd04126bc-fec8-4eb5-92e1-c0d1d099ac29', kind: 'turn' });
  });

  it('a subagent: its agent id, no parent (the main agent has no id)', () => {
    expect(identityOf('claude-code-subagent-request.json')).toEqual({ session: '11111111-2222-4333-8444-555555555555', agent: 'ac62b4d5bc7bae09c', kind: 'turn' });
  });

  it('a nested subagent: its agent id and the subagent that started it', () => {
    expect(identityOf('claude-code-nested-subagent-request.json')).toEqual({ session: '11111111-2222-4333-8444-666666666666', agent: 'a884c93b44a7f9237', parentAgent: 'adffc24b9ee6cd779', kind: 'turn' });
  });

  it('compaction, recognised by its prompt when no header says so', () => {
    expect(identityOf('claude-code-compaction-request.json')).toEqual({ session: '11111111-2222-4333-8444-777777777777', kind: 'compaction' });
  });

  it('compaction and auxiliary requests, from the request class Claude Code sends with CLAUDE_CODE_GATEWAY_HINT_HEADERS=1', () => {
    expect(identifyClient({ 'x-claude-code-request-class': 'compaction' }, {}).kind).toBe('compaction');
    expect(identifyClient({ 'x-claude-code-request-class': 'auxiliary' }, {}).kind).toBe('auxiliary');
    expect(identifyClient({ 'x-claude-code-request-class': 'subagent' }, {}).kind).toBe('turn');
    expect(identifyClient({ 'x-claude-code-compaction': 'manual' }, {}).kind).toBe('compaction');
  });
});

describe('identifyClient on real Codex 0.169 requests', () => {
  it('the root agent: session, agent /root, a turn', () => {
    expect(identityOf('codex-request-1.json')).toEqual({ session: '01a20c93-a73a-7a71-981e-90f70867244e', agent: '/root', kind: 'turn' });
  });

  it('a spawned agent: the root session, its own path, the root as parent', () => {
    expect(identityOf('codex-subagent-request.json')).toEqual({ session: '01a23730-9614-7552-9f49-d836e623aa7d', agent: '/root/worker_1', parentAgent: '/root', kind: 'turn' });
  });

  it('request_kind compaction, prewarm and memory; unknown kinds are turns', () => {
    const capture = readCapture('codex-request-1.json');
    const withKind = (kind: string): string => {
      const metadata = { ...JSON.parse(capture.headers['x-codex-turn-metadata']!), request_kind: kind };
      return identifyClient({ ...capture.headers, 'x-codex-turn-metadata': JSON.stringify(metadata) }, capture.body).kind;
    };
    expect(withKind('compaction')).toBe('compaction');
    expect(withKind('prewarm')).toBe('prewarm');
    expect(withKind('memory')).toBe('memory');
    expect(withKind('something-new')).toBe('turn');
    expect(withKind('constructor')).toBe('turn');
    expect(withKind('__proto__')).toBe('turn');
  });

  it("Codex's internal compact sub-agent is a compaction", () => {
    expect(identifyClient({ 'session-id': 's', 'x-openai-subagent': 'compact' }, {}).kind).toBe('compaction');
  });

  it('without an agent path, the parent thread id stands for the parent', () => {
    expect(identifyClient({ 'session-id': 's', 'thread-id': 't2', 'x-codex-parent-thread-id': 't1' }, {})).toEqual({ session: 's', parentAgent: 't1', kind: 'turn' });
  });

  it('ignores a turn metadata header that is not a JSON object', () => {
    for (const value of ['not json', '{"agent_name":', '[1,2]', '{"agent_name": 42}']) expect(identifyClient({ 'x-codex-turn-metadata': value }, {})).toEqual({ kind: 'turn' });
  });
});

describe('client values in trace lines', () => {
  it('keep printable ASCII, replace the rest, trim and cut long values', () => {
    expect(cleanClientValue('/root/worker_1')).toBe('/root/worker_1');
    expect(cleanClientValue(' a\u0007b\nc\u2028d\u00e9 ')).toBe('a?b?c?d?');
    expect(cleanClientValue('x'.repeat(500))).toBe('x'.repeat(200));
    expect(cleanClientValue('   ')).toBeUndefined();
    expect(cleanClientValue(42)).toBeUndefined();
  });

  it('apply to every identity field taken from headers', () => {
    const hostile = identifyClient({ 'x-claude-code-session-id': 'sess\r\n{"forged":true}', 'x-claude-code-agent-id': `a${'\u001b[31m'.repeat(100)}`, 'x-claude-code-parent-agent-id': 'p'.repeat(1000) }, {});
    expect(hostile.session).toBe('sess??{"forged":true}');
    expect(hostile.agent).toMatch(/^a(\?\[31m)+/);
    expect(hostile.agent!.length).toBe(200);
    expect(hostile.parentAgent).toBe('p'.repeat(200));
  });
});

describe('isClaudeCodeCompaction', () => {
  it('is true for the captured compaction request and false for the other captured requests', () => {
    expect(isClaudeCodeCompaction(readCapture('claude-code-compaction-request.json').body)).toBe(true);
    for (const name of ['claude-code-opus-request-1.json', 'claude-code-opus-request-2.json', 'claude-code-sonnet-request-1.json', 'claude-code-subagent-request.json', 'codex-request-1.json']) {
      expect(isClaudeCodeCompaction(readCapture(name).body)).toBe(false);
    }
  });

  it('recognises the partial and session-memory variants and the older summariser system prompt', () => {
    const ask = (text: string, system?: string): boolean => isClaudeCodeCompaction({ ...(system ? { system } : {}), messages: [{ role: 'user', content: 'earlier' }, { role: 'assistant', content: 'ok' }, { role: 'user', content: [{ type: 'text', text }] }] });
    expect(ask('Your task is to create a detailed summary of the RECENT portion of the conversation — the messages that follow')).toBe(true);
    expect(ask('Your task is to create a detailed summary of this conversation. This summary will be placed at the start')).toBe(true);
    expect(ask('Summarise please.', 'You are a helpful AI assistant tasked with summarizing conversations.')).toBe(true);
    expect(ask('Please fix the failing test.')).toBe(false);
    // Claude Code's default model may put a system message after the user's.
    expect(isClaudeCodeCompaction({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Your task is to create a detailed summary of the conversation so far' }] }, { role: 'system', content: 'Environment: linux' }] })).toBe(true);
    // Only the last message counts: a history that once held the prompt is not a compaction now.
    expect(isClaudeCodeCompaction({ messages: [{ role: 'user', content: 'Your task is to create a detailed summary of the conversation so far' }, { role: 'assistant', content: 'done' }] })).toBe(false);
    expect(isClaudeCodeCompaction({ messages: 'nope' })).toBe(false);
    expect(isClaudeCodeCompaction(null)).toBe(false);
  });
});

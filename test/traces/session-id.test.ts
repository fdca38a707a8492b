import { describe, expect, it } from 'vitest';
import { extractSessionId } from '../../src/traces/session-id.js';

const secretHeaders = { 'x-api-key': 'sk-sb-secret-abc', authorization: 'Bearer sk-sb-secret-abc' };

describe('extractSessionId', () => {
  it("reads Claude Code's legacy metadata.user_id", () => {
    const body = { metadata: { user_id: 'user_8b2c6e0e9f1a4d3b5c7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d3e5f7a9b1c_account_2a7f6c1e-3b4d-4e5f-8a9b-0c1d2e3f4a5b_session_9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a' } };
    expect(extractSessionId(secretHeaders, body)).toBe('9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a');
  });

  it("reads Claude Code's newer JSON user_id", () => {
    const userId = JSON.stringify({ device_id: 'a1b2c3', account_uuid: '2a7f6c1e-3b4d-4e5f-8a9b-0c1d2e3f4a5b', session_id: 'f0e1d2c3-b4a5-4968-8776-655443322110' });
    expect(extractSessionId(secretHeaders, { metadata: { user_id: userId } })).toBe('f0e1d2c3-b4a5-4968-8776-655443322110');
  });

  it('falls back to the x-claude-code-session-id header', () => {
    expect(extractSessionId({ ...secretHeaders, 'x-claude-code-session-id': 'cc-session-7' }, { metadata: { user_id: 'just-a-user' } })).toBe('cc-session-7');
  });

  it("reads Codex's session_id header, and conversation_id from older versions", () => {
    expect(extractSessionId({ ...secretHeaders, session_id: '0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' }, { model: 'gpt-5-codex', input: [] })).toBe('0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b');
    expect(extractSessionId({ conversation_id: ['conv-1', 'conv-2'] }, {})).toBe('conv-1');
  });

  it('prefers the body over headers and returns undefined when there is nothing', () => {
    const body = { metadata: { user_id: 'user_x_account_y_session_from-body' } };
    expect(extractSessionId({ session_id: 'from-header' }, body)).toBe('from-body');
    expect(extractSessionId(secretHeaders, { metadata: { user_id: '{not json' } })).toBeUndefined();
    expect(extractSessionId(secretHeaders, 'not an object')).toBeUndefined();
    expect(extractSessionId({ session_id: '   ' }, null)).toBeUndefined();
    expect(extractSessionId({ session_id: 'x'.repeat(500) }, null)).toBe('x'.repeat(200));
  });

  it('never returns the caller\'s key, whatever the headers hold', () => {
    const bodies = [undefined, {}, { metadata: { user_id: 'sk-sb-secret-abc' } }, { metadata: { user_id: '{"api_key":"sk-sb-secret-abc"}' } }];
    for (const body of bodies) {
      const session = extractSessionId(secretHeaders, body);
      expect(session ?? '').not.toContain('sk-sb-secret-abc');
    }
  });
});

describe('Codex 0.169 session headers', () => {
  it('reads the hyphenated session-id, then thread-id', () => {
    expect(extractSessionId({ 'session-id': '019a-codex', 'thread-id': '019a-thread' }, {})).toBe('019a-codex');
    expect(extractSessionId({ 'thread-id': '019a-thread' }, {})).toBe('019a-thread');
  });
});

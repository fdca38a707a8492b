import { describe, expect, it } from 'vitest';
import { connectionTokens, headerDestination, reachesProvider, type HeaderDestination } from '../../src/upstream/header-policy.js';

describe('headerDestination', () => {
  const cases: Array<[string, HeaderDestination]> = [
    ['user-agent', 'all'],
    ['x-stainless-retry-count', 'all'],
    ['x-client-request-id', 'all'],
    ['accept', 'same-format'],
    ['anthropic-beta', 'anthropic'],
    ['anthropic-version', 'anthropic'],
    ['anthropic-some-future-header', 'anthropic'],
    ['x-claude-code-session-id', 'anthropic'],
    ['x-claude-code-agent-id', 'anthropic'],
    ['x-claude-code-some-future-header', 'anthropic'],
    ['x-app', 'anthropic'],
    ['openai-beta', 'openai'],
    ['session-id', 'openai-responses'],
    ['thread-id', 'openai-responses'],
    ['session_id', 'openai-responses'],
    ['conversation_id', 'openai-responses'],
    ['originator', 'openai-responses'],
    ['x-codex-turn-state', 'openai-responses'],
    ['x-codex-turn-metadata', 'openai-responses'],
    ['x-codex-some-future-header', 'openai-responses'],
    ['x-openai-subagent', 'openai-responses'],
    ['x-openai-internal-codex-responses-lite', 'openai-responses'],
    // Credentials, whatever prefix they hide behind.
    ['authorization', 'never'],
    ['x-api-key', 'never'],
    ['cookie', 'never'],
    ['proxy-authorization', 'never'],
    ['x-claude-code-ide-authorization', 'never'],
    ['anthropic-api-key', 'never'],
    ['x-codex-session-token', 'never'],
    ['x-claude-code-signature', 'never'],
    ['x-openai-secret', 'never'],
    ['openai-organization', 'never'],
    // Hop-by-hop, encodings, proxies, the gateway's own.
    ['connection', 'never'],
    ['transfer-encoding', 'never'],
    ['accept-encoding', 'never'],
    ['content-length', 'never'],
    ['host', 'never'],
    ['x-forwarded-for', 'never'],
    ['x-switchboard-anything', 'never'],
    // Unlisted headers stay behind.
    ['x-team', 'never'],
    ['referer', 'never'],
  ];
  it.each(cases)('%s -> %s', (name, destination) => {
    expect(headerDestination(name)).toBe(destination);
  });
});

describe('reachesProvider', () => {
  it('sends each destination to the formats that understand it', () => {
    const formats = ['anthropic', 'openai-chat', 'openai-responses'] as const;
    const reached = (destination: HeaderDestination, client: (typeof formats)[number]): string[] => formats.filter((format) => reachesProvider(destination, format, client));
    expect(reached('all', 'anthropic')).toEqual(formats);
    expect(reached('anthropic', 'openai-responses')).toEqual(['anthropic']);
    expect(reached('openai', 'anthropic')).toEqual(['openai-chat', 'openai-responses']);
    expect(reached('openai-responses', 'openai-chat')).toEqual(['openai-responses']);
    expect(reached('same-format', 'openai-chat')).toEqual(['openai-chat']);
    expect(reached('never', 'anthropic')).toEqual([]);
  });
});

describe('connectionTokens', () => {
  it('lists the headers a client declared hop-by-hop', () => {
    expect(connectionTokens('keep-alive')).toBeUndefined();
    expect(connectionTokens(undefined)).toBeUndefined();
    expect([...connectionTokens('close, X-Trace-Hop')!]).toEqual(['close', 'x-trace-hop']);
  });
});

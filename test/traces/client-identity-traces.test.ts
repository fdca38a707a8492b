import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceRecord } from '../../src/traces/trace-record.js';
import { FakeProvider } from '../helpers/fake-provider.js';
import { oneProviderPerFormat, type ProviderFormat } from '../helpers/format-providers.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { readCapture, sendableHeaders, type RealClientCapture } from '../helpers/real-client-capture.js';
import { readTraceLines, readTraceRecords } from '../helpers/trace-lines.js';
import { baseConfig, makeTempDir, testSecrets, writeConfig } from '../helpers/test-config.js';
import { anthropicMessage, chatCompletion, responsesTextStream } from '../helpers/wire-transcripts.js';

describe('trace lines name the session, agent, parent agent and request kind of real client requests', () => {
  let temp: { dir: string; remove(): Promise<void> };
  const providers: Record<ProviderFormat, FakeProvider> = { anthropic: new FakeProvider(), 'openai-chat': new FakeProvider(), 'openai-responses': new FakeProvider() };
  const sent = new Map<string, string>();
  let records: Map<string, TraceRecord>;
  let lines: string[];

  /** Sends a captured request (its headers and body, the model swapped for a route) and remembers the request id under `label`. */
  const replay = async (address: string, label: string, capture: RealClientCapture, model: string, extraHeaders: Record<string, string> = {}): Promise<void> => {
    const response = await fetch(`${address}${capture.path}`, { method: 'POST', headers: { ...sendableHeaders(capture, testSecrets.alice), ...extraHeaders }, body: JSON.stringify({ ...capture.body, model }) });
    await response.text();
    sent.set(label, response.headers.get('x-switchboard-request-id')!);
  };

  beforeAll(async () => {
    await Promise.all(Object.values(providers).map((provider) => provider.start()));
    providers.anthropic.reply((request) => (request.body.stream === true ? { kind: 'sse', frames: [] } : { kind: 'json', body: anthropicMessage(String(request.body.model), 'summary') }));
    providers['openai-chat'].reply((request) => ({ kind: 'json', body: chatCompletion(String(request.body.model), 'ok') }));
    providers['openai-responses'].reply((request) => ({ kind: 'sse', frames: responsesTextStream(String(request.body.model), ['hi']) }));
    temp = await makeTempDir();
    const tracesDir = path.join(temp.dir, 'traces');
    await writeConfig(
      temp.dir,
      baseConfig(
        oneProviderPerFormat(providers),
        {
          rules: [
            { model: 'to-anthropic', to: 'anth/claude-upstream' },
            { model: 'to-chat', to: 'chat/deepseek-chat' },
            { model: 'to-responses', to: 'resp/gpt-upstream' },
          ],
        },
        tracesDir,
      ),
    );
    const gateway = await startInProcess(temp.dir);
    const claudeStream = (capture: RealClientCapture): RealClientCapture => ({ ...capture, body: { ...capture.body, stream: false } });
    await replay(gateway.address, 'claude compaction', claudeStream(readCapture('claude-code-compaction-request.json')), 'to-anthropic');
    await replay(gateway.address, 'claude compaction to chat', claudeStream(readCapture('claude-code-compaction-request.json')), 'to-chat');
    await replay(gateway.address, 'claude nested subagent', claudeStream(readCapture('claude-code-nested-subagent-request.json')), 'to-anthropic');
    await replay(gateway.address, 'claude main', claudeStream(readCapture('claude-code-opus-request-1.json')), 'to-anthropic');
    await replay(gateway.address, 'codex spawned agent', readCapture('codex-subagent-request.json'), 'to-responses');
    await replay(gateway.address, 'codex root', readCapture('codex-request-1.json'), 'to-responses');
    await replay(gateway.address, 'codex refused', readCapture('codex-subagent-request.json'), 'no-such-model');
    await replay(gateway.address, 'hostile', claudeStream(readCapture('claude-code-subagent-request.json')), 'to-anthropic', {
      // HTTP itself refuses control characters other than tab in a header; tab and Latin-1 bytes get through.
      'x-claude-code-agent-id': `agent\t\u00e9${'z'.repeat(400)}`,
      'x-claude-code-parent-agent-id': 'parent"},"forged":{"a":"',
    });
    await gateway.stop();
    lines = await readTraceLines(tracesDir);
    records = await readTraceRecords(tracesDir);
  });
  afterAll(async () => {
    await Promise.all(Object.values(providers).map((provider) => provider.close()));
    await temp.remove();
  });

  const traced = (label: string): TraceRecord => records.get(sent.get(label)!)!;
  const identity = (label: string): Pick<TraceRecord, 'session' | 'agent' | 'parent_agent' | 'kind'> => {
    const { session, agent, parent_agent, kind } = traced(label);
    return { session, agent, parent_agent, kind };
  };

  it('writes one line per request, with the identity fields after session', () => {
    expect(lines).toHaveLength(sent.size);
    expect(Object.keys(traced('claude main')).slice(9, 14)).toEqual(['session', 'agent', 'parent_agent', 'kind', 'user_agent']);
  });

  it("Claude Code: main agent, nested subagent and compaction (passthrough and translated)", () => {
    expect(identity('claude main')).toEqual({ session: 'd04126bc-fec8-4eb5-92e1-c0d1d099ac29', agent: null, parent_agent: null, kind: 'turn' });
    expect(identity('claude nested subagent')).toEqual({ session: '11111111-2222-4333-8444-666666666666', agent: 'a884c93b44a7f9237', parent_agent: 'adffc24b9ee6cd779', kind: 'turn' });
    expect(identity('claude compaction')).toEqual({ session: '11111111-2222-4333-8444-777777777777', agent: null, parent_agent: null, kind: 'compaction' });
    expect(identity('claude compaction to chat')).toMatchObject({ kind: 'compaction' });
    expect(traced('claude compaction to chat').upstream_format).toBe('openai-chat');
  });

  it('Codex: root and spawned agent share the session; a refused request is still attributed', () => {
    expect(identity('codex root')).toEqual({ session: '01a20c93-a73a-7a71-981e-90f70867244e', agent: '/root', parent_agent: null, kind: 'turn' });
    expect(identity('codex spawned agent')).toEqual({ session: '01a23730-9614-7552-9f49-d836e623aa7d', agent: '/root/worker_1', parent_agent: '/root', kind: 'turn' });
    expect(traced('codex refused').status).toBe(404);
    expect(identity('codex refused')).toEqual(identity('codex spawned agent'));
  });

  it('hostile header values are cleaned and cut, and cannot add fields or break the line', () => {
    const record = traced('hostile');
    expect(record.agent).toBe(`agent??${'z'.repeat(193)}`);
    expect(record.parent_agent).toBe('parent"},"forged":{"a":"');
    expect(record).not.toHaveProperty('forged');
    const line = lines.find((text) => text.includes(sent.get('hostile')!))!;
    expect(line).not.toMatch(/[\u0000-\u001f\u007f]/);
  });
});

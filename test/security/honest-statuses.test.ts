import { once } from 'node:events';
import { connect } from 'node:net';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import type { TraceRecord } from '../../src/traces/trace-record.js';
import { FakeProvider } from '../helpers/fake-provider.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { baseConfig, makeTempDir, testSecrets, writeConfig } from '../helpers/test-config.js';
import { anthropicTextStream, chatTextStream, responsesTextStream } from '../helpers/wire-transcripts.js';

/** Many slow pieces: a stream that is still running when the test acts on it. */
const longPieces = Array.from({ length: 400 }, (_, index) => `p${index} `);

/**
 * What the trace line and the metrics say must be what happened: alerts and
 * dashboards are built on `status` and `error.code`.
 */
describe('statuses and codes of requests that did not end normally', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: RunningGateway;
  const anthropic = new FakeProvider();
  const chat = new FakeProvider();
  const responses = new FakeProvider();

  beforeAll(async () => {
    await Promise.all([anthropic.start(), chat.start(), responses.start()]);
    temp = await makeTempDir();
    const config = baseConfig(
      {
        claude: { format: 'anthropic', base_url: anthropic.url, retry: { max_retries: 0 } },
        chatty: { format: 'openai-chat', base_url: chat.url, retry: { max_retries: 0 } },
        codexy: { format: 'openai-responses', base_url: responses.url, retry: { max_retries: 0 } },
      },
      { rules: [{ model: 'to-chat', to: 'chatty/deepseek-chat' }, { model: 'to-responses', to: 'codexy/gpt-5' }], default: 'claude/claude-sonnet-4-5' },
    );
    config.gateway.server = { host: '127.0.0.1', port: 0, request_timeout_ms: 1000, drain_timeout_ms: 0 };
    config.gateway.traces = { dir: 'traces' };
    await writeConfig(temp.dir, config);
    gateway = await startInProcess(temp.dir);
  });
  afterAll(async () => {
    await gateway.stop();
    await Promise.all([anthropic.close(), chat.close(), responses.close()]);
    await temp.remove();
  });

  const traceOf = async (id: string): Promise<TraceRecord> => {
    for (;;) {
      await gateway.traces.flush();
      const line = (await readFile(path.join(temp.dir, 'traces', 'traces.jsonl'), 'utf8').catch(() => '')).split('\n').find((entry) => entry.includes(`"id":"${id}"`));
      if (line) return JSON.parse(line) as TraceRecord;
      // The line is written when the request ends, which for an abandoned stream is a moment after the client left.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  /** Sends `content-length: 1000` with 500 bytes, then does `then` to the socket; resolves with the raw answer and the request id. */
  const incompleteBody = (then: 'half-close' | 'stall' | 'reset'): Promise<{ answer: string; id: string | undefined }> =>
    new Promise((resolve) => {
      // The gateway got the headers: from here on, the request is one it records.
      const received = once(gateway.app.server, 'request');
      const address = new URL(gateway.address);
      const socket = connect(Number(address.port), address.hostname);
      let answer = '';
      socket.on('data', (data) => (answer += data.toString()));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve({ answer, id: /x-switchboard-request-id: ([\w-]+)/i.exec(answer)?.[1] }));
      socket.write(`POST /anthropic/v1/messages HTTP/1.1\r\nHost: x\r\nx-api-key: ${testSecrets.alice}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n${'{"model":"claude-sonnet-4-5",'.padEnd(500, ' ')}`);
      if (then === 'half-close') socket.end();
      if (then === 'reset') void received.then(() => setImmediate(() => socket.resetAndDestroy()));
    });

  it('answers a body cut short with 400 SB_REQUEST_INCOMPLETE in the caller format, and traces that', async () => {
    const { answer, id } = await incompleteBody('half-close');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('x-switchboard-error-code: SB_REQUEST_INCOMPLETE');
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('1000') } });
    expect(await traceOf(id!)).toMatchObject({ status: 400, error: { code: 'SB_REQUEST_INCOMPLETE' } });
  });

  it('answers a body that stops arriving with 408 SB_REQUEST_TIMEOUT in the caller format, and traces that', async () => {
    const { answer, id } = await incompleteBody('stall');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ type: 'error', error: { type: 'timeout_error' } });
    expect(await traceOf(id!)).toMatchObject({ status: 408, error: { code: 'SB_REQUEST_TIMEOUT' } });
  });

  it('traces a client that resets the connection mid-body as 499 SB_CLIENT_ABORTED, not 500', async () => {
    const before = gateway.traces.stats().linesWritten;
    await incompleteBody('reset');
    for (;;) {
      await gateway.traces.flush();
      if (gateway.traces.stats().linesWritten > before) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const lines = (await readFile(path.join(temp.dir, 'traces', 'traces.jsonl'), 'utf8')).trim().split('\n');
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ status: 499, error: { code: 'SB_CLIENT_ABORTED' } });
  });

  it('traces a client that leaves mid-stream as 499, with the answer so far marked incomplete', async () => {
    anthropic.reply(() => ({ kind: 'sse', frames: anthropicTextStream('claude-sonnet-4-5', longPieces), delayMs: 10 }));
    const controller = new AbortController();
    const response = await fetch(`${gateway.address}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': testSecrets.alice },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'x' }] }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    let received = '';
    while (!received.includes('p3 ')) received += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const trace = await traceOf(response.headers.get('x-switchboard-request-id')!);
    expect(trace).toMatchObject({ status: 499, error: { code: 'SB_CLIENT_ABORTED' }, stop_reason: 'incomplete' });
    expect(trace.response).toMatchObject({ type: 'message', stop_reason: null });
  });

  it('traces an upstream that breaks mid-stream with the cause the client got, the answer marked incomplete in each format', async () => {
    const ask = async (path: string, body: Record<string, unknown>): Promise<{ text: string; trace: TraceRecord }> => {
      const response = await fetch(`${gateway.address}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${testSecrets.alice}` },
        body: JSON.stringify({ ...body, stream: true }),
      });
      const text = await response.text();
      return { text, trace: await traceOf(response.headers.get('x-switchboard-request-id')!) };
    };
    anthropic.reply(() => ({ kind: 'sse', frames: anthropicTextStream('claude-sonnet-4-5', ['a ', 'b ', 'c ']), breakAfter: 5 }));
    const cut = await ask('/anthropic/v1/messages', { model: 'claude-sonnet-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });
    const clientSaw = JSON.parse(/event: error\ndata: (.*)\n/.exec(cut.text)![1]!) as { error: { message: string } };
    expect(cut.trace).toMatchObject({ status: 200, error: { code: 'SB_UPSTREAM_STREAM_BROKEN', message: clientSaw.error.message } });
    expect(cut.trace.error!.message).not.toBe('api_error');
    expect(cut.trace.response).toMatchObject({ stop_reason: null });

    chat.reply(() => ({ kind: 'sse', frames: chatTextStream('deepseek-chat', ['a', 'b', 'c']), breakAfter: 2 }));
    const chatCut = await ask('/v1/chat/completions', { model: 'to-chat', messages: [{ role: 'user', content: 'x' }] });
    expect(chatCut.trace).toMatchObject({ status: 200, error: { code: 'SB_UPSTREAM_STREAM_BROKEN' } });
    expect(chatCut.trace.response).toMatchObject({ object: 'chat.completion', choices: [{ finish_reason: null }] });

    responses.reply(() => ({ kind: 'sse', frames: responsesTextStream('gpt-5', ['a', 'b', 'c']), breakAfter: 5 }));
    const responsesCut = await ask('/v1/responses', { model: 'to-responses', input: 'x' });
    expect(responsesCut.trace).toMatchObject({ status: 200, error: { code: 'SB_UPSTREAM_STREAM_BROKEN' } });
    expect(responsesCut.trace.response).toMatchObject({ object: 'response', status: 'incomplete' });
  });
});

describe('streams cut at the drain deadline', () => {
  it('end with the format error event, and are traced as SB_GATEWAY_DRAINING, not as client aborts', async () => {
    const temp = await makeTempDir();
    const upstream = await new FakeProvider().start();
    upstream.reply(() => ({ kind: 'sse', frames: anthropicTextStream('claude-sonnet-4-5', longPieces), delayMs: 10 }));
    const config = baseConfig({ claude: { format: 'anthropic', base_url: upstream.url } }, { rules: [], default: 'claude/claude-sonnet-4-5' });
    config.gateway.server = { host: '127.0.0.1', port: 0, drain_timeout_ms: 0 };
    config.gateway.traces = { dir: 'traces' };
    await writeConfig(temp.dir, config);
    const gateway = await startInProcess(temp.dir);
    try {
      const response = await fetch(`${gateway.address}/anthropic/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': testSecrets.alice },
        body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'x' }] }),
      });
      const reader = response.body!.getReader();
      let text = '';
      while (!text.includes('p3 ')) text += new TextDecoder().decode((await reader.read()).value);
      const stopped = gateway.stop();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      await stopped;
      expect(text.trimEnd().split('\n\n').at(-1)).toMatch(/^event: error\ndata: \{"type":"error","error":\{"type":"overloaded_error","message":".*drain/);
      const line = (await readFile(path.join(temp.dir, 'traces', 'traces.jsonl'), 'utf8')).trim().split('\n').at(-1)!;
      const trace = JSON.parse(line) as TraceRecord;
      expect(trace).toMatchObject({ status: 200, error: { code: 'SB_GATEWAY_DRAINING' } });
      expect(trace.response).toMatchObject({ stop_reason: null });
    } finally {
      await gateway.stop();
      await upstream.close();
      await temp.remove();
    }
  });
});

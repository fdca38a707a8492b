import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { Logger } from '../../src/log/logger.js';
import type { TraceRecord } from '../../src/traces/trace-record.js';
import { OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver.js';
import { startConsoleGateway, testSecrets, type ConsoleGateway } from '../console/console-test-kit.js';
import { ensureBuilt } from '../traces/build-dist.js';

/** A logger that keeps every line and lets a test wait for one. */
function recordingLogger(): Logger & { lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }>; waitFor(message: string): Promise<void> } {
  const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  const waiters: Array<{ message: string; resolve: () => void }> = [];
  return {
    lines,
    log(level, message, fields) {
      lines.push({ level, message, ...(fields && { fields }) });
      for (const waiter of waiters.filter((entry) => message.startsWith(entry.message))) waiter.resolve();
    },
    waitFor(message) {
      if (lines.some((line) => line.message.startsWith(message))) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ message, resolve }));
    },
  };
}

// The export worker runs the compiled dist/telemetry/export-worker.js.
beforeAll(ensureBuilt, 180_000);

let target: ConsoleGateway | undefined;
let receiver: OtlpReceiver | undefined;

afterEach(async () => {
  await target?.stop();
  await receiver?.close();
  target = undefined;
  receiver = undefined;
  delete process.env.SB_OTEL_TEST_TOKEN;
});

const anthropic = (): Anthropic => new Anthropic({ apiKey: testSecrets.alice, baseURL: `${target!.gateway.address}/anthropic`, maxRetries: 0, defaultHeaders: { 'x-claude-code-session-id': 'session-otel' } });
const openai = (): OpenAI => new OpenAI({ apiKey: testSecrets.alice, baseURL: `${target!.gateway.address}/v1`, maxRetries: 0 });

/** The spans of one request: its server span and the client spans under it. */
function spansOf(spans: ReceivedSpan[], requestId: string): { request: ReceivedSpan; attempts: ReceivedSpan[] } {
  const request = spans.find((span) => span.attributes['switchboard.request_id'] === requestId);
  if (!request) throw new Error(`no span for ${requestId}`);
  const attempts = spans.filter((span) => span.span.parentSpanId === request.span.spanId).sort((a, b) => Number(a.attributes['switchboard.attempt']) - Number(b.attributes['switchboard.attempt']));
  return { request, attempts };
}

const metric = async (name: string): Promise<number> => {
  const text = await target!.gateway.state.metrics.registry.getSingleMetricAsString(name);
  return Number(/ (\d+)$/m.exec(text)?.[1] ?? 0);
};

describe('OpenTelemetry export', () => {
  it('sends one server span per request and a client span per upstream attempt, with GenAI and switchboard attributes and no content', async () => {
    receiver = await new OtlpReceiver().start();
    process.env.SB_OTEL_TEST_TOKEN = 'collector-token-7';
    target = await startConsoleGateway((config) => {
      config.gateway.otel = { endpoint: receiver!.url, headers: { 'x-collector-token': '${SB_OTEL_TEST_TOKEN}' }, service_name: 'gateway-under-test' };
    });
    const streamed = anthropic().messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 321, messages: [{ role: 'user', content: 'a secret plan in the prompt' }] });
    await streamed.finalMessage();
    const streamedId = (await streamed.withResponse()).response.headers.get('x-switchboard-request-id')!;
    const fallback = await anthropic().messages.create({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'title this' }] }).withResponse();
    const fallbackId = fallback.response.headers.get('x-switchboard-request-id')!;
    const chat = await openai().chat.completions.create({ model: 'reasoner', max_completion_tokens: 500, messages: [{ role: 'user', content: 'list files' }] }).withResponse();
    const chatId = chat.response.headers.get('x-switchboard-request-id')!;

    const spans = await receiver.waitFor((received) => [streamedId, fallbackId, chatId].every((id) => received.some((span) => span.attributes['switchboard.request_id'] === id)) && received.length >= 7);
    expect(receiver.requests[0]!.headers['x-collector-token']).toBe('collector-token-7');

    const { request, attempts } = spansOf(spans, streamedId);
    expect(request.span.name).toBe('chat claude-sonnet-4-5');
    expect(request.span.kind).toBe(2); // SERVER
    expect(request.resource['service.name']).toBe('gateway-under-test');
    expect(request.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'mock',
      'gen_ai.system': 'mock',
      'gen_ai.request.model': 'claude-sonnet-4-5',
      'gen_ai.response.model': 'sonnet-echo',
      'gen_ai.request.max_tokens': 321,
      'gen_ai.conversation.id': 'session-otel',
      'gen_ai.response.finish_reasons': ['stop'],
      'http.response.status_code': 200,
      'switchboard.key': 'alice',
      'switchboard.profile': 'main',
      'switchboard.rule': 'claude-sonnet-4-5',
      'switchboard.config_version': target.gateway.state.store.current.version,
      'switchboard.stream': true,
    });
    expect(request.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
    expect(request.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    expect(request.span.status.code ?? 0).toBe(0);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.span).toMatchObject({ kind: 3, traceId: request.span.traceId, name: 'chat sonnet-echo' }); // CLIENT
    expect(BigInt(String(request.span.endTimeUnixNano)) - BigInt(String(request.span.startTimeUnixNano))).toBeGreaterThan(0n);

    const failover = spansOf(spans, fallbackId);
    expect(failover.attempts.map((span) => span.attributes['switchboard.target'])).toEqual(['broken/haiku-4-5', 'mock/haiku-echo']);
    expect(failover.attempts[0]!.attributes).toMatchObject({ 'error.type': 'SB_UPSTREAM_CONNECT', 'server.address': '127.0.0.1', 'server.port': 1, 'gen_ai.request.model': 'haiku-4-5' });
    expect(failover.attempts[0]!.span.status.code).toBe(2); // ERROR
    expect(failover.attempts[1]!.attributes['gen_ai.response.model']).toBe('haiku-echo');
    expect(BigInt(String(failover.attempts[0]!.span.endTimeUnixNano))).toBeLessThanOrEqual(BigInt(String(failover.attempts[1]!.span.startTimeUnixNano)));
    expect(failover.request.attributes['switchboard.rule']).toBe('^claude-haiku-(.+)$');

    const translated = spansOf(spans, chatId);
    expect(translated.request.attributes).toMatchObject({ 'gen_ai.provider.name': 'chat', 'gen_ai.response.model': 'deepseek-reasoner', 'gen_ai.request.max_tokens': 500, 'gen_ai.response.finish_reasons': ['tool_calls'], 'gen_ai.usage.input_tokens': 40, 'gen_ai.usage.output_tokens': 12 });
    expect(translated.attempts[0]!.attributes['server.address']).toBe('127.0.0.1');

    // Content stays out unless capture_content is on.
    expect(receiver.requests.map((entry) => entry.body).join('')).not.toContain('secret plan');
    expect(Object.keys(request.attributes).filter((key) => key.startsWith('gen_ai.input') || key.startsWith('gen_ai.output'))).toEqual([]);
  });

  it('puts the prompt and the answer on the span once a reload turns capture_content on', async () => {
    receiver = await new OtlpReceiver().start();
    target = await startConsoleGateway((config) => {
      config.gateway.otel = { endpoint: receiver!.url };
    });
    const config = structuredClone(target.config);
    config.gateway.otel = { endpoint: receiver.url, capture_content: true };
    await writeFile(path.join(target.dir, 'gateway.yaml'), stringify(config.gateway));
    await target.gateway.state.store.reload('test');

    const answer = await openai().chat.completions.create({ model: 'reasoner', messages: [{ role: 'developer', content: 'Be brief.' }, { role: 'user', content: 'list the files' }] }).withResponse();
    const id = answer.response.headers.get('x-switchboard-request-id')!;
    const spans = await receiver.waitFor((received) => received.some((span) => span.attributes['switchboard.request_id'] === id));
    const { request } = spansOf(spans, id);
    expect(JSON.parse(String(request.attributes['gen_ai.system_instructions']))).toEqual([{ type: 'text', content: 'Be brief.' }]);
    expect(JSON.parse(String(request.attributes['gen_ai.input.messages']))).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'list the files' }] }]);
    expect(JSON.parse(String(request.attributes['gen_ai.output.messages']))).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'The user wants the files listed.' },
          { type: 'text', content: 'Listing them.' },
          { type: 'tool_call', id: 'call_ls', name: 'bash', arguments: { command: 'ls' } },
        ],
        finish_reason: 'tool_calls',
      },
    ]);
  });

  it('never slows or fails a request: a collector that is down is logged once, one that hangs fills the bounded queue and spans are dropped and counted', async () => {
    receiver = await new OtlpReceiver().start();
    receiver.mode = 'hang';
    const logger = recordingLogger();
    target = await startConsoleGateway((config) => {
      // Nothing listens on port 1.
      config.gateway.otel = { endpoint: 'http://127.0.0.1:1', max_queue_size: 4 };
    }, logger);
    const send = async (): Promise<TraceRecord['status']> => {
      const response = await fetch(`${target!.gateway.address}/anthropic/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': testSecrets.alice },
        body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
      });
      await response.text();
      return response.status;
    };
    expect(await Promise.all(Array.from({ length: 3 }, send))).toEqual([200, 200, 200]);
    await logger.waitFor('OpenTelemetry export failing');
    expect(await Promise.all(Array.from({ length: 3 }, send))).toEqual([200, 200, 200]);
    await target.gateway.traces.flush();
    expect(target.gateway.traces.stats().linesWritten).toBe(6);
    expect(await metric('switchboard_otel_spans_failed_total')).toBeGreaterThan(0);

    // Now a collector that takes the connection and never answers: the queue of 4 spans fills, the rest is dropped.
    const config = structuredClone(target.config);
    config.gateway.otel = { endpoint: receiver.url, max_queue_size: 4 };
    await writeFile(path.join(target.dir, 'gateway.yaml'), stringify(config.gateway));
    await target.gateway.state.store.reload('test');
    expect(await Promise.all(Array.from({ length: 10 }, send))).toEqual(new Array(10).fill(200));
    // 20 spans: 4 taken by the export that hangs, 4 more queued behind it, the rest dropped.
    expect(await metric('switchboard_otel_spans_dropped_total')).toBeGreaterThan(0);
    const failing = logger.lines.filter((line) => line.message.startsWith('OpenTelemetry export failing') && line.fields?.url === 'http://127.0.0.1:1/v1/traces');
    expect(failing).toHaveLength(1);
  });
});

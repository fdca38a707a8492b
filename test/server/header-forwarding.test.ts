import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import { parseGoDuration } from '../../src/pipeline/rate-limit-headers.js';
import { FakeProvider } from '../helpers/fake-provider.js';
import { oneProviderPerFormat, providerFormats, providerNameOf, type ProviderFormat } from '../helpers/format-providers.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { readCapture, sendableHeaders } from '../helpers/real-client-capture.js';
import { baseConfig, makeTempDir, testSecrets, writeConfig } from '../helpers/test-config.js';
import { anthropicMessage, chatCompletion, responsesResponse, responsesTextStream } from '../helpers/wire-transcripts.js';

const modelFor = (format: ProviderFormat): string => `to-${format}`;

const claudeCode = readCapture('claude-code-nested-subagent-request.json');
const codex = readCapture('codex-turn-state-request.json');

/** The headers a provider got from the client: everything but what the gateway itself sets. */
function fromClient(headers: IncomingHttpHeaders): string[] {
  const gatewayOwn = new Set(['host', 'connection', 'content-length', 'content-type', 'authorization', 'x-api-key', 'anthropic-version']);
  return Object.keys(headers)
    .filter((name) => !gatewayOwn.has(name))
    .sort();
}

describe('headers across wire formats', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: RunningGateway;
  const providers: Record<ProviderFormat, FakeProvider> = { anthropic: new FakeProvider(), 'openai-chat': new FakeProvider(), 'openai-responses': new FakeProvider() };

  beforeAll(async () => {
    await Promise.all(Object.values(providers).map((provider) => provider.start()));
    process.env.SB_TEST_HEADERS_KEY = 'provider-secret-headers';
    temp = await makeTempDir();
    await writeConfig(
      temp.dir,
      baseConfig(oneProviderPerFormat(providers, { api_key: '${SB_TEST_HEADERS_KEY}' }), { rules: providerFormats.map((format) => ({ model: modelFor(format), to: `${providerNameOf[format]}/upstream-${format}` })) }),
    );
    gateway = await startInProcess(temp.dir);
  });
  afterAll(async () => {
    await gateway.stop();
    await Promise.all(Object.values(providers).map((provider) => provider.close()));
    await temp.remove();
  });
  afterEach(() => {
    for (const provider of Object.values(providers)) provider.requests.length = 0;
  });

  describe('request headers reach each provider format by what it understands', () => {
    function answerEverywhere(headers: Record<string, string> = {}): void {
      providers.anthropic.reply((request) => ({ kind: 'json', headers, body: anthropicMessage(String(request.body.model), 'ok') }));
      providers['openai-chat'].reply((request) => ({ kind: 'json', headers, body: chatCompletion(String(request.body.model), 'ok') }));
      providers['openai-responses'].reply((request) => ({ kind: 'json', headers, body: responsesResponse(String(request.body.model), 'ok') }));
    }

    const claudeCodeForwarded: Record<ProviderFormat, string[]> = {
      anthropic: [
        'accept',
        'anthropic-beta',
        'anthropic-dangerous-direct-browser-access',
        'user-agent',
        'x-app',
        'x-claude-1p-request-class',
        'x-claude-code-agent-id',
        'x-claude-code-agent-type',
        'x-claude-code-parent-agent-id',
        'x-claude-code-prompt-id',
        'x-claude-code-request-class',
        'x-claude-code-session-id',
        'x-stainless-arch',
        'x-stainless-lang',
        'x-stainless-os',
        'x-stainless-package-version',
        'x-stainless-retry-count',
        'x-stainless-runtime',
        'x-stainless-runtime-version',
        'x-stainless-timeout',
      ],
      'openai-chat': ['user-agent', 'x-stainless-arch', 'x-stainless-lang', 'x-stainless-os', 'x-stainless-package-version', 'x-stainless-retry-count', 'x-stainless-runtime', 'x-stainless-runtime-version', 'x-stainless-timeout'],
      'openai-responses': ['user-agent', 'x-stainless-arch', 'x-stainless-lang', 'x-stainless-os', 'x-stainless-package-version', 'x-stainless-retry-count', 'x-stainless-runtime', 'x-stainless-runtime-version', 'x-stainless-timeout'],
    };

    it.each(providerFormats)("Claude Code 2.1.330's subagent header set, to a %s provider", async (format) => {
      answerEverywhere();
      const response = await fetch(`${gateway.address}/anthropic/v1/messages?beta=true`, {
        method: 'POST',
        headers: { ...sendableHeaders(claudeCode, testSecrets.alice), cookie: 'sid=client-cookie', 'x-claude-code-ide-authorization': 'Bearer ide-secret' },
        body: JSON.stringify({ model: modelFor(format), max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(response.status).toBe(200);
      const seen = providers[format].requests[0]!.headers;
      expect(fromClient(seen)).toEqual(claudeCodeForwarded[format]);
      for (const name of claudeCodeForwarded[format]) expect(seen[name]).toBe(claudeCode.headers[name]);
      expect(format === 'anthropic' ? seen['x-api-key'] : seen.authorization).toBe(format === 'anthropic' ? 'provider-secret-headers' : 'Bearer provider-secret-headers');
      expect(JSON.stringify(seen)).not.toContain(testSecrets.alice);
      expect(JSON.stringify(seen)).not.toContain('ide-secret');
      expect(JSON.stringify(seen)).not.toContain('client-cookie');
      // Anthropic providers always get a version, the client's when it sent one.
      expect(seen['anthropic-version']).toBe(format === 'anthropic' ? '2023-06-01' : undefined);
    });

    const codexIdentity = ['originator', 'session-id', 'thread-id', 'x-codex-beta-features', 'x-codex-turn-metadata', 'x-codex-turn-state', 'x-codex-window-id'];
    const codexForwarded: Record<ProviderFormat, string[]> = {
      anthropic: ['user-agent', 'x-client-request-id'],
      'openai-chat': ['user-agent', 'x-client-request-id'],
      'openai-responses': ['accept', ...codexIdentity, 'user-agent', 'x-client-request-id', 'x-openai-internal-codex-responses-lite', 'x-openai-subagent'].sort(),
    };

    it.each(providerFormats)("Codex 0.169's header set, to a %s provider", async (format) => {
      answerEverywhere();
      const response = await fetch(`${gateway.address}/v1/responses`, {
        method: 'POST',
        headers: { ...sendableHeaders(codex, testSecrets.alice), 'x-openai-internal-codex-responses-lite': 'true', 'x-openai-subagent': 'collab_spawn', 'openai-organization': 'org-client', 'x-forwarded-for': '10.1.2.3' },
        body: JSON.stringify({ model: modelFor(format), input: 'hi' }),
      });
      expect(response.status).toBe(200);
      const seen = providers[format].requests[0]!.headers;
      expect(fromClient(seen)).toEqual(codexForwarded[format]);
      for (const name of codexIdentity) if (codexForwarded[format].includes(name)) expect(seen[name]).toBe(codex.headers[name]);
      expect(JSON.stringify(seen)).not.toContain(testSecrets.alice);
      expect(seen['openai-organization']).toBeUndefined();
    });

    it('sends openai-beta to OpenAI providers only, and anthropic-beta to Anthropic providers only', async () => {
      answerEverywhere();
      for (const format of providerFormats) {
        await fetch(`${gateway.address}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${testSecrets.alice}`, 'openai-beta': 'assistants=v2', 'anthropic-beta': 'prompt-caching-2024-07-31' },
          body: JSON.stringify({ model: modelFor(format), messages: [{ role: 'user', content: 'hi' }] }),
        });
      }
      expect(providers.anthropic.requests[0]!.headers['openai-beta']).toBeUndefined();
      expect(providers.anthropic.requests[0]!.headers['anthropic-beta']).toBe('prompt-caching-2024-07-31');
      for (const format of ['openai-chat', 'openai-responses'] as const) {
        expect(providers[format].requests[0]!.headers['openai-beta']).toBe('assistants=v2');
        expect(providers[format].requests[0]!.headers['anthropic-beta']).toBeUndefined();
      }
    });

    it('keeps back a header the client declared hop-by-hop in connection', async () => {
      answerEverywhere();
      const body = JSON.stringify({ model: modelFor('anthropic'), max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
      // fetch will not send a connection header of the caller's; node:http will.
      const status = await new Promise<number | undefined>((resolve, reject) => {
        const request = httpRequest(`${gateway.address}/anthropic/v1/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': testSecrets.alice, connection: 'close, x-claude-code-hop', 'x-claude-code-hop': 'for the next hop only', 'x-claude-code-session-id': 'sess-hop' },
        });
        request.on('response', (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode));
        });
        request.on('error', reject);
        request.end(body);
      });
      expect(status).toBe(200);
      const seen = providers.anthropic.requests[0]!.headers;
      expect(seen['x-claude-code-hop']).toBeUndefined();
      expect(seen['x-claude-code-session-id']).toBe('sess-hop');
    });
  });

  describe('response headers: relayed on passthrough, mapped on translation', () => {
    const anthropicClient = (): Anthropic => new Anthropic({ apiKey: testSecrets.alice, baseURL: `${gateway.address}/anthropic`, maxRetries: 0 });
    const openaiClient = (): OpenAI => new OpenAI({ apiKey: testSecrets.alice, baseURL: `${gateway.address}/v1`, maxRetries: 0 });

    const anthropicLimits = (resetAt: Date): Record<string, string> => ({
      'request-id': 'req_011CSHoEeqs5C35K2UUqR7Fy',
      'anthropic-ratelimit-requests-limit': '4000',
      'anthropic-ratelimit-requests-remaining': '3999',
      'anthropic-ratelimit-requests-reset': resetAt.toISOString().replace('.000Z', 'Z'),
      'anthropic-ratelimit-tokens-limit': '2000000',
      'anthropic-ratelimit-tokens-remaining': '1998000',
      'anthropic-ratelimit-tokens-reset': resetAt.toISOString().replace('.000Z', 'Z'),
      'anthropic-ratelimit-input-tokens-limit': '1600000',
    });
    const openaiLimits: Record<string, string> = {
      'x-request-id': 'req_8f1c0a2b3d4e5f60',
      'x-ratelimit-limit-requests': '10000',
      'x-ratelimit-remaining-requests': '9999',
      'x-ratelimit-reset-requests': '6m0s',
      'x-ratelimit-limit-tokens': '30000000',
      'x-ratelimit-remaining-tokens': '29999000',
      'x-ratelimit-reset-tokens': '20ms',
      'openai-processing-ms': '412',
    };

    it('passthrough: an Anthropic client gets the provider rate-limit and request-id headers as they came', async () => {
      const headers = anthropicLimits(new Date(Date.UTC(2026, 10, 24, 7, 26, 0)));
      providers.anthropic.reply((request) => ({ kind: 'json', headers, body: anthropicMessage(String(request.body.model), 'ok') }));
      const { response, request_id: requestId } = await anthropicClient().messages.create({ model: modelFor('anthropic'), max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
      expect(requestId).toBe('req_011CSHoEeqs5C35K2UUqR7Fy');
      for (const [name, value] of Object.entries(headers)) expect(response.headers.get(name)).toBe(value);
      // No foreign equivalents on passthrough: the client already has its own.
      expect(response.headers.get('x-ratelimit-remaining-requests')).toBeNull();
    });

    it.each(['openai-chat', 'openai-responses'] as const)('translation: a %s provider\'s limits reach an Anthropic client under Anthropic names, resets as RFC 3339 times', async (format) => {
      const reply = format === 'openai-chat' ? chatCompletion : responsesResponse;
      providers[format].reply((request) => ({ kind: 'json', headers: openaiLimits, body: reply(String(request.body.model), 'ok') }));
      const before = Date.now();
      const { response, request_id: requestId } = await anthropicClient().messages.create({ model: modelFor(format), max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
      const after = Date.now();
      expect(requestId).toBe('req_8f1c0a2b3d4e5f60');
      expect(response.headers.get('anthropic-ratelimit-requests-limit')).toBe('10000');
      expect(response.headers.get('anthropic-ratelimit-requests-remaining')).toBe('9999');
      expect(response.headers.get('anthropic-ratelimit-tokens-limit')).toBe('30000000');
      expect(response.headers.get('anthropic-ratelimit-tokens-remaining')).toBe('29999000');
      const requestsReset = response.headers.get('anthropic-ratelimit-requests-reset')!;
      expect(requestsReset).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      // 6m0s after the gateway saw the headers, rounded up to the second.
      expect(Date.parse(requestsReset)).toBeGreaterThanOrEqual(Math.floor((before + 360_000) / 1000) * 1000);
      expect(Date.parse(requestsReset)).toBeLessThanOrEqual(Math.ceil((after + 360_000) / 1000) * 1000);
      expect(Date.parse(response.headers.get('anthropic-ratelimit-tokens-reset')!)).toBeLessThanOrEqual(Math.ceil((after + 20) / 1000) * 1000);
      // The provider's own headers come along too.
      expect(response.headers.get('x-ratelimit-reset-requests')).toBe('6m0s');
    });

    it.each(['chat', 'responses'] as const)('translation: an Anthropic provider\'s limits reach an OpenAI %s client under OpenAI names, resets as durations', async (api) => {
      const resetAt = new Date(Math.ceil((Date.now() + 90_000) / 1000) * 1000);
      providers.anthropic.reply((request) => ({ kind: 'json', headers: anthropicLimits(resetAt), body: anthropicMessage(String(request.body.model), 'ok') }));
      const before = Date.now();
      const { response, request_id: requestId } =
        api === 'chat'
          ? await openaiClient().chat.completions.create({ model: modelFor('anthropic'), messages: [{ role: 'user', content: 'hi' }] }).withResponse()
          : await openaiClient().responses.create({ model: modelFor('anthropic'), input: 'hi' }).withResponse();
      expect(requestId).toBe('req_011CSHoEeqs5C35K2UUqR7Fy');
      expect(response.headers.get('x-ratelimit-limit-requests')).toBe('4000');
      expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('3999');
      expect(response.headers.get('x-ratelimit-limit-tokens')).toBe('2000000');
      expect(response.headers.get('x-ratelimit-remaining-tokens')).toBe('1998000');
      const reset = response.headers.get('x-ratelimit-reset-requests')!;
      expect(reset).toMatch(/^(\d+m)?\d+(\.\d+)?s$/);
      const ms = parseGoDuration(reset)!;
      expect(ms).toBeLessThanOrEqual(resetAt.getTime() - before);
      expect(ms).toBeGreaterThan(0);
    });

    it('an upstream 429 reaches the client with its rate-limit headers in the client\'s format', async () => {
      providers['openai-chat'].reply(() => ({ kind: 'json', status: 429, headers: { ...openaiLimits, 'x-ratelimit-remaining-requests': '0', 'retry-after': '20' }, body: { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } } }));
      const error = await anthropicClient()
        .messages.create({ model: modelFor('openai-chat'), max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] })
        .catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(Anthropic.RateLimitError);
      const headers = (error as InstanceType<typeof Anthropic.RateLimitError>).headers;
      expect(headers.get('retry-after')).toBe('20');
      expect(headers.get('anthropic-ratelimit-requests-remaining')).toBe('0');
      expect(headers.get('x-ratelimit-remaining-requests')).toBe('0');
      expect(headers.get('request-id')).toBe('req_8f1c0a2b3d4e5f60');
    });

    describe('x-codex-turn-state', () => {
      const post = (model: string, turnState?: string): Promise<Response> =>
        fetch(`${gateway.address}/v1/responses`, {
          method: 'POST',
          headers: { ...sendableHeaders(codex, testSecrets.alice), ...(turnState === undefined ? {} : { 'x-codex-turn-state': turnState }) },
          body: JSON.stringify({ model, input: 'hi', stream: true }),
        });

      it('passthrough: the provider\'s token reaches Codex, and Codex\'s token reaches the provider', async () => {
        providers['openai-responses'].reply((request) => ({ kind: 'sse', headers: { 'x-codex-turn-state': 'ts-from-upstream' }, frames: responsesTextStream(String(request.body.model), ['ok']) }));
        const sendsNone = { ...sendableHeaders(codex, testSecrets.alice) };
        delete sendsNone['x-codex-turn-state'];
        const first = await fetch(`${gateway.address}/v1/responses`, { method: 'POST', headers: sendsNone, body: JSON.stringify({ model: modelFor('openai-responses'), input: 'hi', stream: true }) });
        await first.text();
        expect(first.headers.get('x-codex-turn-state')).toBe('ts-from-upstream');
        expect(providers['openai-responses'].requests[0]!.headers['x-codex-turn-state']).toBeUndefined();

        const second = await post(modelFor('openai-responses'), 'ts-from-upstream');
        await second.text();
        expect(providers['openai-responses'].requests[1]!.headers['x-codex-turn-state']).toBe('ts-from-upstream');
        expect(second.headers.get('x-codex-turn-state')).toBe('ts-from-upstream');
      });

      it.each(['anthropic', 'openai-chat'] as const)('translation to a %s provider: the token Codex sent comes back unchanged and does not go upstream', async (format) => {
        providers.anthropic.reply((request) => ({ kind: 'json', body: anthropicMessage(String(request.body.model), 'ok') }));
        providers['openai-chat'].reply((request) => ({ kind: 'json', body: chatCompletion(String(request.body.model), 'ok') }));
        const response = await post(modelFor(format), 'ts-4');
        await response.text();
        expect(response.status).toBe(200);
        expect(response.headers.get('x-codex-turn-state')).toBe('ts-4');
        expect(providers[format].requests[0]!.headers['x-codex-turn-state']).toBeUndefined();
        // A turn that never had a token gets none: the gateway mints none.
        const fresh = await fetch(`${gateway.address}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${testSecrets.alice}` }, body: JSON.stringify({ model: modelFor(format), input: 'hi' }) });
        await fresh.text();
        expect(fresh.headers.get('x-codex-turn-state')).toBeNull();
      });

      it('is never relayed to a chat client', async () => {
        providers['openai-responses'].reply((request) => ({ kind: 'json', headers: { 'x-codex-turn-state': 'ts-upstream' }, body: responsesResponse(String(request.body.model), 'ok') }));
        const { response } = await openaiClient().chat.completions.create({ model: modelFor('openai-responses'), messages: [{ role: 'user', content: 'hi' }] }).withResponse();
        expect(response.headers.get('x-codex-turn-state')).toBeNull();
      });
    });
  });
});

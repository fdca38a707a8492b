import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { baseConfig, makeTempDir, testSecrets, writeConfig } from '../helpers/test-config.js';

/** What alice's profile lists, in order: exact rules, list_as names, then the default's model. */
const listed = [
  { id: 'claude-sonnet-4-5', display_name: 'claude-sonnet-4-5' },
  { id: 'claude-opus-5-5', display_name: 'Claude Opus 5.5 (mock)' },
  { id: 'claude-opus-4-1', display_name: 'claude-opus-4-1' },
  { id: 'vendor/claude-lab', display_name: 'claude-lab' },
  { id: 'fallback-echo', display_name: 'fallback-echo' },
];

describe('model lists (GET /v1/models) for Claude Code discovery and the SDKs', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: RunningGateway;
  let url: string;

  beforeAll(async () => {
    temp = await makeTempDir();
    await writeConfig(
      temp.dir,
      baseConfig({}, {
        rules: [
          { model: 'claude-sonnet-4-5', to: 'mock/sonnet-echo' },
          { model_regex: '^claude-opus-(.+)$', to: 'mock/opus-$1', list_as: [{ model: 'claude-opus-5-5', display_name: 'Claude Opus 5.5 (mock)' }, { model: 'claude-opus-4-1' }] },
          { model_regex: '^gpt-(.+)$', to: 'mock/gpt-$1' },
          { model: 'claude-haiku-4-5', to: 'mock/haiku', list_as: [] },
          { model: 'vendor/claude-lab', to: 'mock/lab', list_as: [{ model: 'vendor/claude-lab', display_name: 'claude-lab' }] },
        ],
        default: 'mock/fallback-echo',
      }),
    );
    gateway = await startInProcess(temp.dir);
    url = gateway.address;
  });
  afterAll(async () => {
    await gateway.stop();
    await temp.remove();
  });

  const get = (path: string, headers: Record<string, string>): Promise<Response> => fetch(`${url}${path}`, { headers });
  const anthropicHeaders = { 'x-api-key': testSecrets.alice, 'anthropic-version': '2023-06-01' };

  it('answers Claude Code\'s discovery request in Anthropic\'s list format', async () => {
    // As Claude Code 2.1.330 sends it (captured with CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY=1): Bearer, anthropic-version, limit=1000.
    const response = await get('/anthropic/v1/models?limit=1000', { authorization: `Bearer ${testSecrets.alice}`, 'anthropic-version': '2023-06-01', 'user-agent': 'claude-code/2.1.330' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      data: listed.map((model) => ({ type: 'model', ...model, created_at: '2025-01-01T00:00:00Z' })),
      has_more: false,
      first_id: 'claude-sonnet-4-5',
      last_id: 'fallback-echo',
    });
  });

  it('lists, pages and retrieves through the Anthropic SDK, with the /anthropic prefix and at the root', async () => {
    for (const baseURL of [`${url}/anthropic`, url]) {
      const client = new Anthropic({ apiKey: testSecrets.alice, baseURL });
      const all = [];
      for await (const model of client.models.list()) all.push({ id: model.id, display_name: model.display_name });
      expect(all, baseURL).toEqual(listed);

      // Two at a time: the SDK follows last_id with after_id until has_more is false.
      const firstPage = await client.models.list({ limit: 2 });
      expect(firstPage.data.map((model) => model.id)).toEqual(['claude-sonnet-4-5', 'claude-opus-5-5']);
      expect(firstPage.has_more).toBe(true);
      const paged = [];
      for await (const model of client.models.list({ limit: 2 })) paged.push(model.id);
      expect(paged).toEqual(listed.map((model) => model.id));

      // Backwards from before_id, as far as the list goes.
      const before = await client.models.list({ before_id: 'vendor/claude-lab', limit: 2 });
      expect(before.data.map((model) => model.id)).toEqual(['claude-opus-5-5', 'claude-opus-4-1']);
      expect(before.has_more).toBe(true);
      const backwards = [];
      for await (const model of client.models.list({ before_id: 'fallback-echo', limit: 1 })) backwards.push(model.id);
      expect(backwards).toEqual(['vendor/claude-lab', 'claude-opus-4-1', 'claude-opus-5-5', 'claude-sonnet-4-5']);

      expect(await client.models.retrieve('claude-opus-5-5')).toEqual({ type: 'model', id: 'claude-opus-5-5', display_name: 'Claude Opus 5.5 (mock)', created_at: '2025-01-01T00:00:00Z' });
      // The SDK escapes the slash of the id; the gateway reads it back.
      expect((await client.models.retrieve('vendor/claude-lab')).display_name).toBe('claude-lab');
      const missing = await client.models.retrieve('claude-opus-9').catch((error: unknown) => error);
      expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
      expect((missing as InstanceType<typeof Anthropic.NotFoundError>).error).toEqual({ type: 'error', error: { type: 'not_found_error', message: 'model "claude-opus-9" is not listed for profile "main"' } });
    }
  });

  it('lists the active profile of the key: another key, or x-switchboard-profile, sees its own list', async () => {
    const bob = new Anthropic({ authToken: testSecrets.bob, apiKey: null, baseURL: `${url}/anthropic` });
    expect((await bob.models.list()).data.map((model) => model.id)).toEqual(['alt-echo']);
    const aliceAsAlt = await get('/anthropic/v1/models', { ...anthropicHeaders, 'x-switchboard-profile': 'alt' });
    expect(((await aliceAsAlt.json()) as { data: Array<{ id: string }> }).data.map((model) => model.id)).toEqual(['alt-echo']);
    // A regex rule without list_as and an exact rule with list_as: [] are served but not listed.
    expect(listed.map((model) => model.id)).not.toContain('claude-haiku-4-5');
  });

  it('answers OpenAI clients at /v1/models in OpenAI\'s format, list and retrieve', async () => {
    const client = new OpenAI({ apiKey: testSecrets.alice, baseURL: `${url}/v1` });
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(listed.map((model) => model.id));
    expect(await client.models.retrieve('claude-opus-5-5')).toEqual({ id: 'claude-opus-5-5', object: 'model', created: 1735689600, owned_by: 'switchboard:main' });
    const missing = await client.models.retrieve('gpt-5').catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect((missing as InstanceType<typeof OpenAI.NotFoundError>).error).toMatchObject({ type: 'invalid_request_error', code: 'SB_MODEL_NOT_LISTED' });
  });

  it('refuses bad paging and missing keys in the caller\'s format', async () => {
    const cases: Array<[string, Record<string, string>, number, string]> = [
      ['/anthropic/v1/models?limit=0', anthropicHeaders, 400, 'limit: an integer from 1 to 1000 is required, not "0"'],
      ['/anthropic/v1/models?limit=1001', anthropicHeaders, 400, 'limit: an integer from 1 to 1000 is required, not "1001"'],
      ['/v1/models?limit=2.5', anthropicHeaders, 400, 'limit: an integer from 1 to 1000 is required, not "2.5"'],
      ['/anthropic/v1/models?after_id=claude-opus-9', anthropicHeaders, 400, 'after_id: "claude-opus-9" is not a model this key lists'],
      ['/anthropic/v1/models?after_id=claude-opus-5-5&before_id=fallback-echo', anthropicHeaders, 400, 'give after_id or before_id, not both'],
      ['/v1/models', { 'anthropic-version': '2023-06-01' }, 401, 'no API key: send it in the x-api-key header or as Authorization: Bearer <key>'],
    ];
    for (const [path, headers, status, message] of cases) {
      const response = await get(path, headers);
      expect(response.status, path).toBe(status);
      expect(((await response.json()) as { type: string; error: { message: string } }), path).toMatchObject({ type: 'error', error: { message } });
    }
    const openaiMissingKey = await get('/v1/models', {});
    expect(openaiMissingKey.status).toBe(401);
    expect(await openaiMissingKey.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'SB_AUTH_MISSING_KEY' } });
  });
});

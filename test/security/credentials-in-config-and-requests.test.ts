import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatProblems, loadConfig } from '../../src/config/load-config.js';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import { FakeProvider } from '../helpers/fake-provider.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { baseConfig, makeTempDir, testSecrets, writeConfig } from '../helpers/test-config.js';
import { chatCompletion } from '../helpers/wire-transcripts.js';

describe('credentials in provider settings', () => {
  const problemsOf = async (providers: Record<string, Record<string, unknown>>): Promise<Awaited<ReturnType<typeof loadConfig>>> => {
    const temp = await makeTempDir();
    try {
      await writeConfig(temp.dir, baseConfig(providers, { rules: [], default: 'mock/echo' }));
      return await loadConfig(temp.dir, { env: { GOOG_KEY: 'g-key-from-env', APIM_KEY: 'apim-from-env' } });
    } finally {
      await temp.remove();
    }
  };

  it('refuses a literal secret in any credential-like header, and accepts ${ENV} references there', async () => {
    const literal = await problemsOf({
      gemini: { format: 'openai-chat', base_url: 'https://generativelanguage.googleapis.com/v1beta/openai', headers: { 'x-goog-api-key': 'AIzaSyLiteral0123456789' } },
      azure: { format: 'openai-chat', base_url: 'https://apim.example.com/v1', headers: { 'Ocp-Apim-Subscription-Key': '0123456789abcdef0123456789abcdef', cookie: 'session=abc123def456' } },
    });
    const refused = literal.problems.filter((problem) => problem.code === 'CFG_LITERAL_SECRET').map((problem) => problem.message);
    expect(refused).toHaveLength(3);
    for (const header of ['x-goog-api-key', 'Ocp-Apim-Subscription-Key', 'cookie']) expect(refused.some((message) => message.includes(`header "${header}"`)), header).toBe(true);
    expect(formatProblems(literal.problems, 'text', '.')).not.toMatch(/AIzaSyLiteral|0123456789abcdef0123|abc123def456/);

    const referenced = await problemsOf({
      gemini: { format: 'openai-chat', base_url: 'https://generativelanguage.googleapis.com/v1beta/openai', headers: { 'x-goog-api-key': '${GOOG_KEY}' } },
      azure: { format: 'openai-chat', base_url: 'https://apim.example.com/v1', headers: { 'ocp-apim-subscription-key': '${APIM_KEY}', 'x-team': 'platform' } },
    });
    expect(referenced.problems).toEqual([]);
  });

  it('refuses a base_url that carries a user and password, without repeating them', async () => {
    const { snapshot, problems } = await problemsOf({ proxy: { format: 'openai-chat', base_url: 'https://svc:hunter2-password@proxy.example.com/v1' } });
    expect(snapshot).toBeUndefined();
    expect(problems).toContainEqual(expect.objectContaining({ code: 'CFG_INVALID_VALUE', message: expect.stringContaining('user and password') }));
    expect(formatProblems(problems, 'text', '.')).not.toContain('hunter2');
  });
});

describe('requests to providers and from clients', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: RunningGateway;
  const upstream = new FakeProvider();

  beforeAll(async () => {
    await upstream.start();
    upstream.reply(() => ({ kind: 'json', body: chatCompletion('gpt-4o', 'from azure') }));
    temp = await makeTempDir();
    // Azure OpenAI: the deployment in the path and a required api-version in the query.
    await writeConfig(temp.dir, baseConfig({ azure: { format: 'openai-chat', base_url: `${upstream.url}/openai/deployments/gpt-4o?api-version=2024-10-21` } }, { rules: [], default: 'azure/gpt-4o' }));
    gateway = await startInProcess(temp.dir);
  });
  afterAll(async () => {
    await gateway.stop();
    await upstream.close();
    await temp.remove();
  });

  it('keeps the query of a base_url on every upstream request (Azure api-version)', async () => {
    const response = await fetch(`${gateway.address}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${testSecrets.alice}` },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(200);
    expect(upstream.requests.at(-1)!.url).toBe('/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21');
  });

  it('refuses two different keys in one request with 401 in the caller format, and takes the same key twice', async () => {
    const body = JSON.stringify({ model: 'gpt-4o', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
    const anthropic = await fetch(`${gateway.address}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': testSecrets.bob, authorization: `Bearer ${testSecrets.alice}` },
      body,
    });
    expect(anthropic.status).toBe(401);
    expect(await anthropic.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error', message: expect.stringContaining('two different API keys') } });
    const openai = await fetch(`${gateway.address}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': testSecrets.alice, authorization: `Bearer ${testSecrets.bob}` },
      body,
    });
    expect(openai.status).toBe(401);
    expect(await openai.json()).toMatchObject({ error: { code: 'SB_AUTH_CONFLICTING_KEYS' } });
    const same = await fetch(`${gateway.address}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': testSecrets.alice, authorization: `Bearer ${testSecrets.alice}` },
      body,
    });
    expect(same.status).toBe(200);
  });
});

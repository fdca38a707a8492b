import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start-gateway.js';
import { startInProcess } from '../helpers/gateway-under-test.js';
import { baseConfig, makeTempDir, testSecrets, writeConfig } from '../helpers/test-config.js';

/**
 * `/status` and `/metrics` say where the config and traces live, which
 * providers and keys exist and how much each key used, the routing rules and
 * the last reload error. Only an admin key gets them on the main port, or
 * anyone who can reach the separate admin listener.
 */
describe('the operations surface', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let gateway: RunningGateway;

  beforeAll(async () => {
    temp = await makeTempDir();
    const config = baseConfig({}, { rules: [{ model_regex: '^claude-(.*)$', to: 'mock/echo-$1' }] });
    config.gateway.server = { host: '127.0.0.1', port: 0, admin: { host: '127.0.0.1', port: 0 } };
    await writeConfig(temp.dir, config);
    gateway = await startInProcess(temp.dir);
    // One request, so the key's live counters exist.
    await fetch(`${gateway.address}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${testSecrets.alice}` },
      body: JSON.stringify({ model: 'claude-x', messages: [{ role: 'user', content: 'hi' }] }),
    });
  });
  afterAll(async () => {
    await gateway.stop();
    await temp.remove();
  });

  /** Nothing an unauthenticated answer may carry: the config folder, the version, key names, rule text. */
  const expectNothingInternal = (response: Response, text: string): void => {
    expect(response.headers.get('x-switchboard-config')).toBeNull();
    for (const internal of [temp.dir, gateway.state.store.current.version, 'alice', '^claude-']) expect(text).not.toContain(internal);
  };

  it('refuses /status and /metrics without a key with 401, showing nothing', async () => {
    for (const path of ['/status', '/metrics']) {
      const response = await fetch(`${gateway.address}${path}`);
      const text = await response.text();
      expect(response.status).toBe(401);
      expect(JSON.parse(text)).toMatchObject({ error: { type: 'invalid_request_error', code: 'SB_AUTH_MISSING_KEY' } });
      expectNothingInternal(response, text);
    }
  });

  it('refuses a client key with 403 in the caller format', async () => {
    const openai = await fetch(`${gateway.address}/status`, { headers: { authorization: `Bearer ${testSecrets.alice}` } });
    expect(openai.status).toBe(403);
    expect(await openai.json()).toMatchObject({ error: { code: 'SB_AUTH_NOT_ADMIN', message: expect.stringContaining('role: admin') } });
    const anthropic = await fetch(`${gateway.address}/metrics`, { headers: { 'x-api-key': testSecrets.alice, 'anthropic-version': '2023-06-01' } });
    expect(anthropic.status).toBe(403);
    expect(await anthropic.json()).toMatchObject({ type: 'error', error: { type: 'permission_error', message: expect.stringContaining('role: admin') } });
  });

  it('serves /status and /metrics to an admin key, in x-api-key or as a Bearer token', async () => {
    const status = await fetch(`${gateway.address}/status`, { headers: { 'x-api-key': testSecrets.ops } });
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ config: { version: gateway.state.store.current.version, dir: temp.dir }, providers: { mock: { format: 'mock' } } });
    const metrics = await fetch(`${gateway.address}/metrics`, { headers: { authorization: `Bearer ${testSecrets.ops}` } });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('switchboard_requests_total{key="alice"');
  });

  it('serves /status and /metrics without a key on the admin listener, and nothing else there', async () => {
    const admin = gateway.adminAddress!;
    expect(admin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(admin).not.toBe(gateway.address);
    expect(await (await fetch(`${admin}/status`)).json()).toMatchObject({ config: { version: gateway.state.store.current.version } });
    expect(await (await fetch(`${admin}/metrics`)).text()).toContain('switchboard_in_flight_requests');
    expect((await fetch(`${admin}/healthz`)).status).toBe(200);
    const model = await fetch(`${admin}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${testSecrets.alice}` }, body: '{"model":"claude-x","messages":[]}' });
    expect(model.status).toBe(404);
  });

  it('answers the probes bare: no version, no details, no config header', async () => {
    const health = await fetch(`${gateway.address}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${gateway.address}/readyz`);
    const text = await ready.text();
    expect(JSON.parse(text)).toEqual({ status: 'ready' });
    expectNothingInternal(ready, text);
  });

  it('names the config version only to authenticated callers', async () => {
    const keyless = await fetch(`${gateway.address}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expectNothingInternal(keyless, await keyless.text());
    const unknownKey = await fetch(`${gateway.address}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sb-nobody' }, body: '{}' });
    expectNothingInternal(unknownKey, await unknownKey.text());
    const noRoute = await fetch(`${gateway.address}/nowhere`);
    expectNothingInternal(noRoute, await noRoute.text());
    const refusedBody = await fetch(`${gateway.address}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${testSecrets.alice}` }, body: '{' });
    expect(refusedBody.status).toBe(400);
    expect(refusedBody.headers.get('x-switchboard-config')).toBe(gateway.state.store.current.version);
  });
});

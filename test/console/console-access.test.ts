import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleSessions } from '../../src/console/console-sessions.js';
import { stringify } from 'yaml';
import { adminSecret, startConsoleGateway, testSecrets, type ConsoleGateway } from './console-test-kit.js';

let target: ConsoleGateway;
let base: string;

beforeAll(async () => {
  target = await startConsoleGateway();
  base = target.gateway.address;
  const response = await fetch(`${base}/anthropic/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': testSecrets.alice, 'x-claude-code-session-id': 'session-1' },
    body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
  });
  await response.text();
  await target.gateway.traces.flush();
}, 60_000);

afterAll(async () => {
  await target?.stop();
});

const consoleUrls = ['/ui/live', '/ui/sessions', '/ui/sessions/session-1', '/ui/requests', '/ui/requests?status=ok&since=1h', '/ui/config'];

/** Signs in through the form as a browser would post it; returns the response (cookie in set-cookie). */
function signIn(key: string, origin: string | null = base): Promise<Response> {
  return fetch(`${base}/ui/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(origin === null ? {} : { origin }) },
    body: new URLSearchParams({ key, next: '/ui/config' }).toString(),
  });
}

describe('console access', () => {
  it('opens every console page to an admin key as a bearer token, with a strict content security policy', async () => {
    for (const url of consoleUrls) {
      const response = await fetch(`${base}${url}`, { headers: { authorization: `Bearer ${adminSecret}` } });
      expect(response.status, url).toBe(200);
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(response.headers.get('cache-control')).toBe('no-store');
      const html = await response.text();
      expect(html).not.toContain(adminSecret);
    }
  });

  it('shows only the sign-in form without a key, and refuses a client or unknown key', async () => {
    for (const url of consoleUrls) {
      const anonymous = await fetch(`${base}${url}`);
      expect(anonymous.status, url).toBe(401);
      const html = await anonymous.text();
      expect(html).toContain('action="/ui/sign-in"');
      expect(html).not.toContain('<nav');
      expect(html).not.toContain('claude-sonnet-4-5');
    }
    const client = await fetch(`${base}/ui/config`, { headers: { authorization: `Bearer ${testSecrets.alice}` } });
    expect(client.status).toBe(403);
    expect(await client.text()).toContain('client key');
    expect((await fetch(`${base}/ui/config`, { headers: { authorization: 'Bearer not-a-key' } })).status).toBe(401);
    // A disabled key, admin or not, is refused like an unknown one.
    expect((await fetch(`${base}/ui/config`, { headers: { authorization: `Bearer ${testSecrets.carol}` } })).status).toBe(401);
  });

  it('exchanges an admin key for a session cookie only when the form comes from the console itself', async () => {
    const crossSite = await signIn(adminSecret, 'https://evil.example');
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get('set-cookie')).toBeNull();
    expect((await signIn(adminSecret, null)).status).toBe(403);
    expect((await signIn(testSecrets.alice)).status).toBe(403);
    expect((await signIn('nope')).status).toBe(401);

    const signedIn = await signIn(adminSecret);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/ui/config');
    const cookie = signedIn.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^switchboard_console=[A-Za-z0-9_-]{43}; Max-Age=43200; Path=\/ui; HttpOnly; SameSite=Strict$/);
    const session = cookie.split(';')[0]!;
    expect((await fetch(`${base}/ui/config`, { headers: { cookie: session } })).status).toBe(200);
    // The redirect after sign-in never leaves the console.
    const elsewhere = await fetch(`${base}/ui/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
      body: new URLSearchParams({ key: adminSecret, next: '//evil.example/ui' }).toString(),
    });
    expect(elsewhere.headers.get('location')).toBe('/ui/live');
    // Sign-out is a form post from the console too.
    expect((await fetch(`${base}/ui/sign-out`, { method: 'POST', redirect: 'manual', headers: { cookie: session, origin: 'https://evil.example' } })).status).toBe(403);
    expect((await fetch(`${base}/ui/sign-out`, { method: 'POST', redirect: 'manual', headers: { cookie: session, origin: base } })).status).toBe(303);
    expect((await fetch(`${base}/ui/config`, { headers: { cookie: session } })).status).toBe(401);
  });

  it('streams live figures to an admin only', async () => {
    expect((await fetch(`${base}/ui/live/events`, { headers: { accept: 'text/event-stream', authorization: `Bearer ${testSecrets.alice}` } })).status).toBe(401);
    const controller = new AbortController();
    const response = await fetch(`${base}/ui/live/events`, { headers: { accept: 'text/event-stream', authorization: `Bearer ${adminSecret}` }, signal: controller.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(text).toMatch(/^event: snapshot\ndata: \{/);
    const data = JSON.parse(text.split('\n').find((line) => line.startsWith('data: '))!.slice(6)) as { total: string; providers: string[][] };
    expect(Number(data.total)).toBeGreaterThanOrEqual(1);
  });

  it('follows a reload: a key that loses role admin loses its session, and ui.enabled: false turns the console off', async () => {
    const session = (await signIn(adminSecret)).headers.get('set-cookie')!.split(';')[0]!;
    const gatewayFile = path.join(target.dir, 'gateway.yaml');
    const original = await readFile(gatewayFile, 'utf8');
    const config = structuredClone(target.config);
    delete (config.gateway.keys as Record<string, { role?: string }>).admin!.role;
    await writeFile(gatewayFile, stringify(config.gateway));
    await target.gateway.state.store.reload('test');
    expect((await fetch(`${base}/ui/config`, { headers: { cookie: session } })).status).toBe(401);
    expect((await fetch(`${base}/ui/config`, { headers: { authorization: `Bearer ${adminSecret}` } })).status).toBe(403);

    config.gateway.ui = { enabled: false };
    await writeFile(gatewayFile, stringify(config.gateway));
    await target.gateway.state.store.reload('test');
    const off = await fetch(`${base}/ui/config`, { headers: { authorization: `Bearer ${adminSecret}` } });
    expect(off.status).toBe(404);
    expect(await off.text()).toContain('ui.enabled');

    await writeFile(gatewayFile, original);
    await target.gateway.state.store.reload('test');
    expect((await fetch(`${base}/ui/config`, { headers: { authorization: `Bearer ${adminSecret}` } })).status).toBe(200);
  });
});

describe('ConsoleSessions', () => {
  it('forgets a session at its expiry and when ended, and gives every sign-in its own random id', () => {
    let now = 1_000_000;
    const sessions = new ConsoleSessions(() => now);
    const first = sessions.create('hash-a', 60_000);
    const second = sessions.create('hash-a', 60_000);
    expect(first).not.toBe(second);
    expect(sessions.keyOf(first)).toBe('hash-a');
    now += 60_000;
    expect(sessions.keyOf(first)).toBeUndefined();
    const third = sessions.create('hash-b', 60_000);
    sessions.end(third);
    expect(sessions.keyOf(third)).toBeUndefined();
  });
});

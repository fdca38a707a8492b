import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactsDir, launchBrowser } from '../helpers/browser.js';
import { makeRecord } from '../traces/trace-fixtures.js';
import { adminSecret, providerSecret, startConsoleGateway, testSecrets, type ConsoleGateway } from './console-test-kit.js';

/** A prompt that would run script if any page put trace text into markup unescaped. */
const hostilePrompt = 'second question <script>window.pwned = "script"</script><img src="x" onerror="window.pwned = \'img\'"> end';

let target: ConsoleGateway;
let browser: Browser;
let shots: string;
let base: string;
/** Request ids of the Claude Code-like session, in the order they were sent. */
const sessionIds: string[] = [];
const ids: Record<'responses' | 'chat' | 'fallback', string> = { responses: '', chat: '', fallback: '' };

const anthropic = (session: string): Anthropic =>
  new Anthropic({ apiKey: testSecrets.alice, baseURL: `${base}/anthropic`, maxRetries: 0, defaultHeaders: { 'x-claude-code-session-id': session } });
const openai = (session: string): OpenAI => new OpenAI({ apiKey: testSecrets.alice, baseURL: `${base}/v1`, maxRetries: 0, defaultHeaders: { 'session-id': session } });

/** Real traffic through the official SDKs: a streamed Claude Code-like session, a Codex-like Responses call, Chat Completions with reasoning and a tool call, and a fallback. */
async function serveTraffic(): Promise<void> {
  for (const prompt of ['first question', hostilePrompt, 'third question']) {
    const stream = anthropic('session-claude').messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 256, system: 'You are a careful assistant.', messages: [{ role: 'user', content: prompt }] });
    await stream.finalMessage();
    sessionIds.push((await stream.withResponse()).response.headers.get('x-switchboard-request-id')!);
  }
  const responses = await openai('session-codex').responses.create({ model: 'gpt-5', instructions: 'You are Codex.', input: 'Fix the typo in README' }).withResponse();
  ids.responses = responses.response.headers.get('x-switchboard-request-id')!;
  const chat = await openai('session-codex')
    .chat.completions.create({ model: 'reasoner', messages: [{ role: 'developer', content: 'Be brief.' }, { role: 'user', content: 'List the files' }], tools: [{ type: 'function', function: { name: 'bash', parameters: { type: 'object' } } }] })
    .withResponse();
  ids.chat = chat.response.headers.get('x-switchboard-request-id')!;
  const fallback = await anthropic('session-other').messages.create({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'title this' }] }).withResponse();
  ids.fallback = fallback.response.headers.get('x-switchboard-request-id')!;
  await target.gateway.traces.flush();
}

/**
 * An older rotated file with the fields other parts of the gateway add to trace lines (agent,
 * parent_agent, kind, cost): a session whose subagent's requests belong under the main agent's.
 */
async function writeAgentSession(): Promise<void> {
  const line = (id: string, minute: number, extra: Record<string, unknown>): string => {
    const { request, response, ...metadata } = makeRecord({ ts: `2026-11-20T10:${String(minute).padStart(2, '0')}:00.000Z`, id, key: 'alice', profile: 'main', session: 'session-agents', provider: 'mock', upstream_model: 'sonnet-echo', upstream_format: 'mock' });
    // As the writer lays a line out: metadata first, the bodies last.
    return JSON.stringify({ ...metadata, cost: { usd: 0.0123, input: 0.01, output: 0.0023, cache_read: 0, cache_write: 0 }, ...extra, request, response });
  };
  const lines = [
    line('00000000-0000-4000-8000-000000000001', 1, { agent: null, parent_agent: null, kind: 'turn' }),
    line('00000000-0000-4000-8000-000000000002', 2, { agent: 'agent-explore', parent_agent: null, kind: 'turn' }),
    line('00000000-0000-4000-8000-000000000003', 3, { agent: 'agent-explore', parent_agent: null, kind: 'turn' }),
    line('00000000-0000-4000-8000-000000000004', 4, { agent: null, parent_agent: null, kind: 'compaction' }),
  ];
  // The subagent's own lines name the main agent as parent only by being started from it.
  await writeFile(path.join(target.tracesDir, 'traces-20261120T100100Z_20261120T100400Z.jsonl'), `${lines.join('\n')}\n`);
}

beforeAll(async () => {
  target = await startConsoleGateway();
  base = target.gateway.address;
  [browser, shots] = await Promise.all([launchBrowser(), artifactsDir('console')]);
  await serveTraffic();
  await writeAgentSession();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await target?.stop();
});

/** A browser context that presents the admin key on every request (the script's way in). */
async function adminPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ extraHTTPHeaders: { authorization: `Bearer ${adminSecret}` }, viewport: { width: 1280, height: 900 } });
  return { context, page: await context.newPage() };
}

describe('the web console in a browser', () => {
  it('shows nothing but the sign-in form without a key, and signs an admin in with an HttpOnly, SameSite=Strict cookie', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const response = await page.goto(`${base}/ui/config`);
    expect(response?.status()).toBe(401);
    expect(await page.locator('form[action="/ui/sign-in"]').count()).toBe(1);
    expect(await page.locator('nav, table, .readonly').count()).toBe(0);
    await page.screenshot({ path: path.join(shots, 'sign-in.png') });

    await page.fill('input[name="key"]', adminSecret);
    await Promise.all([page.waitForURL(`${base}/ui/config`), page.click('button[type="submit"]')]);
    expect(await page.locator('h1').first().textContent()).toContain('Config');
    const [cookie] = await context.cookies(`${base}/ui/config`);
    expect(cookie).toMatchObject({ name: 'switchboard_console', httpOnly: true, sameSite: 'Strict', path: '/ui' });
    expect(cookie!.value).not.toContain(adminSecret);
    // The cookie alone opens every page now, and signing out ends it.
    await page.goto(`${base}/ui/sessions`);
    expect(await page.locator('h1').first().textContent()).toBe('Sessions');
    await Promise.all([page.waitForURL(`${base}/ui/sign-in`), page.click('nav button')]);
    expect((await page.goto(`${base}/ui/sessions`))?.status()).toBe(401);
    await context.close();
  });

  it('refuses a client key, in the sign-in form and as a bearer key', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/ui/sign-in`);
    await page.fill('input[name="key"]', testSecrets.alice);
    await page.click('button[type="submit"]');
    await page.waitForSelector('.problem');
    expect(await page.locator('.problem').textContent()).toContain('client key');
    expect(await context.cookies(`${base}/ui/config`)).toEqual([]);
    await context.close();

    const bearer = await browser.newContext({ extraHTTPHeaders: { authorization: `Bearer ${testSecrets.alice}` } });
    const refused = await bearer.newPage();
    const response = await refused.goto(`${base}/ui/config`);
    expect(response?.status()).toBe(403);
    expect(await refused.locator('table').count()).toBe(0);
    expect(await refused.content()).not.toContain('claude-sonnet-4-5');
    await refused.screenshot({ path: path.join(shots, 'client-key-refused.png') });
    await bearer.close();
  });

  it('lists sessions, shows one session’s requests in the order they were sent, and nests a subagent under its parent', async () => {
    const { context, page } = await adminPage();
    await page.goto(`${base}/ui/sessions`);
    const listed = await page.locator('tr.session-row td:first-child').allTextContents();
    expect(listed).toEqual(expect.arrayContaining(['session-', 'session-', 'session-', 'session-'].map((prefix) => expect.stringContaining(prefix))));
    expect(await page.locator('tr.session-row').count()).toBe(4);
    await page.screenshot({ path: path.join(shots, 'sessions.png'), fullPage: true });

    await page.goto(`${base}/ui/sessions/session-claude`);
    expect(await page.locator('li.timeline-entry').evaluateAll((items) => items.map((item) => item.getAttribute('data-id')))).toEqual(sessionIds);
    expect(await page.locator('.timeline-entry .route').first().textContent()).toMatch(/claude-sonnet-4-5\s*→\s*claude-sonnet-4-5\s*→\s*mock\/sonnet-echo/);

    await page.goto(`${base}/ui/sessions/session-agents`);
    const top = await page.locator('main > ol.timeline > li.timeline-entry').evaluateAll((items) => items.map((item) => item.getAttribute('data-id')));
    expect(top).toEqual(['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000004']);
    const nested = page.locator('main > ol.timeline > li.timeline-entry').first().locator('details.subagent li.timeline-entry');
    expect(await nested.evaluateAll((items) => items.map((item) => item.getAttribute('data-id')))).toEqual(['00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000003']);
    expect(await page.locator('details.subagent summary').textContent()).toContain('agent-explore');
    expect(await page.locator('main').textContent()).toContain('$0.0123');
    expect(await page.locator('.badge', { hasText: 'compaction' }).count()).toBe(1);
    await page.screenshot({ path: path.join(shots, 'session.png'), fullPage: true });
    await context.close();
  });

  it('renders a request’s prompt as a conversation in each wire format, and markup in a prompt as text', async () => {
    const { context, page } = await adminPage();
    await page.goto(`${base}/ui/requests/${sessionIds[1]}`);
    const user = page.locator('section.turn.role-user pre.text');
    expect(await user.textContent()).toBe(hostilePrompt);
    expect(await page.evaluate(() => (window as unknown as { pwned?: string }).pwned)).toBeUndefined();
    expect(await page.locator('main script, main img').count()).toBe(0);
    expect(await page.locator('section.turn.role-system summary').textContent()).toContain('System prompt');
    expect(await page.locator('section.turn.role-assistant pre.text').first().textContent()).toContain('second question <script>');
    await page.screenshot({ path: path.join(shots, 'request-hostile-prompt.png'), fullPage: true });

    // Chat Completions: the developer message as system, reasoning collapsed, the tool call with its arguments.
    await page.goto(`${base}/ui/requests/${ids.chat}`);
    expect(await page.locator('section.turn.role-system pre.text').textContent()).toBe('Be brief.');
    const thinking = page.locator('details.reasoning');
    expect(await thinking.getAttribute('open')).toBeNull();
    expect(await thinking.locator('summary').textContent()).toContain('Thinking');
    expect(await page.locator('.tool-call code').textContent()).toBe('bash');
    expect(await page.locator('.tool-call pre').textContent()).toContain('"command": "ls"');
    expect(await page.locator('details.tools summary').textContent()).toBe('1 tool offered');
    await page.screenshot({ path: path.join(shots, 'request.png'), fullPage: true });

    // Responses: instructions as system, the input string as the user's turn.
    await page.goto(`${base}/ui/requests/${ids.responses}`);
    expect(await page.locator('section.turn.role-system pre.text').textContent()).toBe('You are Codex.');
    expect(await page.locator('section.turn.role-user pre.text').textContent()).toBe('Fix the typo in README');

    // A fallback: both attempts, the refused one first.
    await page.goto(`${base}/ui/requests/${ids.fallback}`);
    expect(await page.locator('table.attempts tbody tr td:nth-child(2)').allTextContents()).toEqual(['broken/haiku-4-5', 'mock/haiku-echo']);
    expect(await page.content()).not.toContain(providerSecret);
    await context.close();
  });

  it('draws charts of the matching requests and filters by the form', async () => {
    const { context, page } = await adminPage();
    await page.goto(`${base}/ui/requests`);
    const charts = page.locator('figure.chart');
    expect(await charts.count()).toBe(3);
    expect(await charts.first().locator('figcaption').textContent()).toBe('Requests over time per provider');
    expect(await charts.first().locator('.legend li').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^mock/), expect.stringMatching(/^chat/)]));
    const points = await charts.first().locator('polyline').first().getAttribute('points');
    expect(points?.split(' ').length).toBe(48);
    expect(await charts.nth(2).locator('rect.bar').count()).toBe(10);
    await page.screenshot({ path: path.join(shots, 'requests.png'), fullPage: true });

    await page.fill('input[name="provider"]', 'chat');
    await Promise.all([page.waitForURL(/provider=chat/), page.click('form.filters button')]);
    expect(await page.locator('tr.request-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id')))).toEqual([ids.chat]);
    await page.fill('input[name="status"]', 'teapot');
    await Promise.all([page.waitForURL(/status=teapot/), page.click('form.filters button')]);
    expect(await page.locator('form.filters .problem').textContent()).toContain('not a status filter');
    await context.close();
  });

  it('updates the live page when a new request is served', async () => {
    const { context, page } = await adminPage();
    await page.goto(`${base}/ui/live`);
    await page.waitForFunction(() => document.getElementById('live-state')?.textContent?.startsWith('live'));
    const before = Number(await page.locator('[data-live="total"]').textContent());
    await anthropic('session-live').messages.create({ model: 'claude-sonnet-4-5', max_tokens: 32, messages: [{ role: 'user', content: 'one more' }] });
    await page.waitForFunction((previous) => Number(document.querySelector('[data-live="total"]')?.textContent) === previous + 1, before);
    // Within the last minute: the provider's row shows it.
    await page.waitForSelector('#live-providers tbody tr[data-provider="mock"]');
    expect(await page.locator('#live-chart polyline').getAttribute('points')).toMatch(/^(\d+\.\d,\d+\.\d ?){60}$/);
    await page.screenshot({ path: path.join(shots, 'live.png'), fullPage: true });
    await context.close();
  });

  it('shows the running config: rules in order with targets, health and file:line, and no secret', async () => {
    const { context, page } = await adminPage();
    await page.goto(`${base}/ui/config`);
    const rules = page.locator('#profile-main tr.rule-row');
    expect(await rules.locator('td:nth-child(2)').allTextContents()).toEqual(['claude-sonnet-4-5', 'gpt-5', 'reasoner', 'regex ^claude-haiku-(.+)$', 'any other model']);
    expect(await rules.locator('td:last-child').allTextContents()).toEqual(['profiles/main.yaml:3', 'profiles/main.yaml:6', 'profiles/main.yaml:8', 'profiles/main.yaml:10', 'profiles/main.yaml:14']);
    expect(await rules.nth(3).locator('ol.targets li').allTextContents()).toEqual(['broken/haiku-$1 up', 'mock/haiku-echo up']);
    // The keys table: each key's role (the shared test config also has the admin key `ops`).
    expect(await page.locator('table.keys tr', { has: page.locator('td:first-child', { hasText: /^admin$/ }) }).locator('td:nth-child(2)').textContent()).toBe('admin');
    const content = await page.content();
    for (const secret of [adminSecret, testSecrets.alice, providerSecret, target.config.gateway.keys && (target.config.gateway.keys as Record<string, { sha256: string }>).admin!.sha256]) expect(content).not.toContain(secret);
    expect(content).toContain('${SB_CONSOLE_TEST_PROVIDER_KEY}');
    await page.screenshot({ path: path.join(shots, 'config.png'), fullPage: true });
    await context.close();
  });
});

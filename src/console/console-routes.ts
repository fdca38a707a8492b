import { readFileSync } from 'node:fs';
import fastifySseModule from '@fastify/sse';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ConfigSnapshot, ResolvedKey } from '../config/snapshot.js';
import type { GatewayState } from '../server/gateway-state.js';
import { TraceIndex } from '../traces/trace-index.js';
import { adminKey, clearedSessionCookieHeader, consoleAccess, sameOrigin, sessionCookieHeader, sessionIdOf, type ConsoleAccess } from './console-auth.js';
import { ConsoleSessions } from './console-sessions.js';
import { html, type SafeHtml } from './html.js';
import type { LiveStats } from './live-stats.js';
import { filtersOf, indexQueryOf, requestCharts, searchRequests, sessionRequests, sessionSummaries, sessionTimeline } from './trace-queries.js';
import { chartMax, chartPoints } from './views/charts.js';
import { configView } from './views/config-view.js';
import { formatCount } from './views/format.js';
import { layout, type ConsolePage } from './views/layout.js';
import { liveProviderCells, liveView, totalRps } from './views/live-view.js';
import type { FilterChoices } from './views/request-list.js';
import { requestView } from './views/request-view.js';
import { requestsView } from './views/requests-view.js';
import { sessionView } from './views/session-view.js';
import { sessionsView } from './views/sessions-view.js';
import { signInView } from './views/sign-in-view.js';

export interface ConsoleDeps {
  state: GatewayState;
  live: LiveStats;
}

// A CommonJS plugin: under NodeNext its typed default is the module; fastify-plugin sets `.default` to the plugin itself.
const fastifySse = fastifySseModule.default;

const pageSize = 100;
const sessionsShown = 200;

/**
 * Static assets, read once. Shipped in the package next to this module (`npm run build` copies
 * src/console/assets/ into dist/console/assets/); nothing comes from a CDN.
 */
const assets = new Map(
  [
    ['console.css', 'text/css; charset=utf-8'],
    ['console.js', 'text/javascript; charset=utf-8'],
  ].map(([name, type]) => [name!, { type: type!, body: readFileSync(new URL(`./assets/${name}`, import.meta.url)) }]),
);

/**
 * Scripts and styles only from the console itself, no inline script, no
 * framing, forms only to the console: defence in depth behind the escaping
 * of every trace text.
 */
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * The read-only web console at `/ui`: live figures, sessions, requests,
 * one request, the running config. Served only while `ui.enabled` is true
 * (a reload turns it on or off), only to admin keys. It reads the trace
 * files through `traces/` and the live figures the finished-request
 * listener collects; it never reaches into the request pipeline.
 */
export async function registerConsole(app: FastifyInstance, deps: ConsoleDeps): Promise<void> {
  await app.register(async (scope) => consolePlugin(scope, deps), { prefix: '/ui' });
}

async function consolePlugin(app: FastifyInstance, deps: ConsoleDeps): Promise<void> {
  const { state, live } = deps;
  const sessions = new ConsoleSessions();
  const traces = new ConsoleTraces();
  const openStreams = new Set<FastifyReply>();
  await app.register(fastifySse, { heartbeatInterval: 15_000 });

  // Form posts (sign-in) only here: the gateway's model routes keep accepting JSON alone.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  // The first page view should not wait for a large traces folder to be indexed: start when the gateway does.
  app.addHook('onReady', async () => {
    if (state.store.current.ui.enabled) void traces.ready(state.store.current).catch((error: unknown) => state.logger.log('warn', 'console could not index the trace files', { error: error instanceof Error ? error.message : String(error) }));
  });

  app.addHook('onRequest', async (request, reply) => {
    if (!state.store.current.ui.enabled) return reply.code(404).type('text/plain; charset=utf-8').send('The console is off: set ui.enabled: true in gateway.yaml.\n');
    reply.header('content-security-policy', contentSecurityPolicy).header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer').header('x-frame-options', 'DENY');
    if (!request.url.startsWith('/ui/assets/')) reply.header('cache-control', 'no-store');
  });
  // Open live streams end when the gateway drains, so they do not hold the shutdown up to its deadline.
  app.addHook('preClose', async () => {
    for (const reply of openStreams) reply.sse.close();
  });
  app.setErrorHandler((error, request, reply) => {
    state.logger.log('error', 'console page failed', { url: request.url.split('?')[0], error: error instanceof Error ? error.message : String(error) });
    void reply.code(500).type('text/html; charset=utf-8').send(layout({ title: 'Error' }, html`<h1>Something went wrong</h1><p>The page could not be made; the gateway log has the details.</p>`).text);
  });

  /** Runs `render` for an admin; anyone else gets the sign-in form (401, or 403 for a client key). */
  const page = (name: ConsolePage | undefined, title: string, render: (request: FastifyRequest, key: ResolvedKey) => Promise<SafeHtml> | SafeHtml, status = 200) =>
    async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      const snapshot = state.store.current;
      const access = consoleAccess(snapshot, request, sessions);
      if (!access.allowed) return refuse(reply, access, request.url);
      const body = await render(request, access.key);
      return reply
        .code(status)
        .type('text/html; charset=utf-8')
        .send(layout({ title, ...(name && { page: name }), keyName: access.key.name, signedIn: access.via === 'cookie', configVersion: snapshot.version }, body).text);
    };

  app.get('/', async (_request, reply) => reply.redirect('/ui/live', 303));

  app.get('/assets/:name', async (request, reply) => {
    const asset = assets.get((request.params as { name: string }).name);
    if (!asset) return reply.code(404).type('text/plain; charset=utf-8').send('no such asset\n');
    return reply.type(asset.type).header('cache-control', 'public, max-age=300').send(asset.body);
  });

  app.get('/sign-in', async (request, reply) => {
    const next = safeNext((request.query as { next?: unknown }).next);
    if (consoleAccess(state.store.current, request, sessions).allowed) return reply.redirect(next, 303);
    return reply.type('text/html; charset=utf-8').send(signInView({ next }).text);
  });

  app.post('/sign-in', async (request, reply) => {
    const form = (request.body ?? {}) as Record<string, string>;
    const next = safeNext(form.next);
    if (!sameOrigin(request)) return reply.code(403).type('text/html; charset=utf-8').send(signInView({ next, problem: 'Sign-in refused: the form was not posted from this gateway’s own page.' }).text);
    const snapshot = state.store.current;
    const key = typeof form.key === 'string' && form.key !== '' ? adminKey(snapshot, { 'x-api-key': form.key }) : 'missing';
    if (typeof key !== 'object') return reply.code(401).type('text/html; charset=utf-8').send(signInView({ next, problem: 'That key is not known to this gateway (or is disabled).' }).text);
    if (key.role !== 'admin') return reply.code(403).type('text/html; charset=utf-8').send(signInView({ next, problem: 'That is a client key; the console takes keys with role: admin.' }).text);
    const id = sessions.create(key.sha256, snapshot.ui.sessionMs);
    return reply.header('set-cookie', sessionCookieHeader(id, snapshot.ui.sessionMs, request.protocol === 'https')).redirect(next, 303);
  });

  app.post('/sign-out', async (request, reply) => {
    if (!sameOrigin(request)) return reply.code(403).type('text/plain; charset=utf-8').send('Sign-out refused: not posted from this gateway’s own page.\n');
    const id = sessionIdOf(request);
    if (id !== undefined) sessions.end(id);
    return reply.header('set-cookie', clearedSessionCookieHeader(request.protocol === 'https')).redirect('/ui/sign-in', 303);
  });

  app.get('/live', page('live', 'Live', () => liveView(live.snapshot(state.inFlight, state.inFlightStreams))));

  const liveEventsAllowed = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    // Checked before the SSE handler takes the response over.
    if (!consoleAccess(state.store.current, request, sessions).allowed) return reply.code(401).type('text/plain; charset=utf-8').send('Sign in with an admin key.\n');
    if (!String(request.headers.accept ?? '').includes('text/event-stream')) return reply.code(406).type('text/plain; charset=utf-8').send('This is an event stream: ask for Accept: text/event-stream.\n');
  };
  app.get('/live/events', { sse: true, preHandler: liveEventsAllowed }, async (_request, reply) => {
    reply.sse.keepAlive();
    openStreams.add(reply);
    const send = async (): Promise<void> => {
      if (!reply.sse.isConnected) return;
      await reply.sse.send({ event: 'snapshot', data: livePayload(live, state) }).catch(() => undefined);
    };
    const timer = setInterval(() => void send(), 1000);
    reply.sse.onClose(() => {
      clearInterval(timer);
      openStreams.delete(reply);
    });
    await send();
  });

  app.get(
    '/sessions',
    page('sessions', 'Sessions', async (request) => {
      const index = await traces.ready(state.store.current);
      const filters = filtersOf(request.query as Record<string, unknown>);
      const { query, problems } = indexQueryOf(filters);
      const { sessions: shown, total } = sessionSummaries(index, query, sessionsShown);
      return sessionsView({ sessions: shown, total, filters, choices: choicesOf(state.store.current), problems, coverage: index.coverage() });
    }),
  );

  app.get(
    '/sessions/:session',
    page('sessions', 'Session', async (request) => {
      const index = await traces.ready(state.store.current);
      const session = (request.params as { session: string }).session;
      const requests = sessionRequests(index, session);
      return sessionView({ session, requests, timeline: sessionTimeline(requests) });
    }),
  );

  app.get(
    '/requests',
    page('requests', 'Requests', async (request) => {
      const index = await traces.ready(state.store.current);
      const raw = request.query as Record<string, unknown>;
      const filters = filtersOf(raw);
      const { query, problems } = indexQueryOf(filters);
      const pageNumber = Math.max(0, Math.floor(Number(raw.page ?? 0)) || 0);
      const { rows, more } = searchRequests(index, query, pageNumber, pageSize);
      return requestsView({ rows, more, page: pageNumber, filters, choices: choicesOf(state.store.current), problems, charts: requestCharts(index, query), coverage: index.coverage() });
    }),
  );

  app.get('/requests/:id', async (request, reply) => {
    const id = (request.params as { id: string }).id;
    const index = await traces.ready(state.store.current);
    const record = await index.find(id);
    const render = record ? page('requests', `Request ${id.slice(0, 8)}`, () => requestView(record)) : page('requests', 'Not found', () => html`<h1>No request <code>${id}</code></h1><p>No indexed trace line has this id. Older traces: <code>switchboard traces show ${id}</code>.</p>`, 404);
    return render(request, reply);
  });

  app.get(
    '/config',
    page('config', 'Config', () =>
      configView({
        snapshot: state.store.current,
        health: state.health.snapshot(),
        reloads: state.store.reloads,
        reloadFailures: state.store.reloadFailures,
        lastReload: state.store.lastReload,
        lastError: state.store.lastError,
      }),
    ),
  );

  app.setNotFoundHandler(page(undefined, 'Not found', () => html`<h1>No such page</h1><p><a href="/ui/live">Live</a>, <a href="/ui/sessions">Sessions</a>, <a href="/ui/requests">Requests</a>, <a href="/ui/config">Config</a>.</p>`, 404));
}

function refuse(reply: FastifyReply, access: Extract<ConsoleAccess, { allowed: false }>, url: string): FastifyReply {
  const next = safeNext(url);
  const problem = access.reason === 'not-admin' ? 'That is a client key; the console takes keys with role: admin.' : access.reason === 'invalid-key' ? 'That key is not known to this gateway (or is disabled).' : undefined;
  return reply
    .code(access.reason === 'not-admin' ? 403 : 401)
    .type('text/html; charset=utf-8')
    .send(signInView({ next, ...(problem && { problem }) }).text);
}

/** Where to go after signing in: a console path only, never another site (`//evil.example`). */
function safeNext(value: unknown): string {
  if (typeof value !== 'string' || !/^\/ui(\/|$)/.test(value) || value.startsWith('//') || /[\\\r\n]|\/\//.test(value) || value.startsWith('/ui/sign-')) return '/ui/live';
  return value;
}

function choicesOf(snapshot: ConfigSnapshot): FilterChoices {
  return { keys: [...snapshot.keysByName.keys()], profiles: [...snapshot.profiles.keys()], providers: [...snapshot.providers.keys()] };
}

/** What the live page's script redraws, already formatted (one formatting, on the server). */
function livePayload(live: LiveStats, state: GatewayState): Record<string, unknown> {
  const snapshot = live.snapshot(state.inFlight, state.inFlightStreams);
  const max = chartMax([snapshot.series]);
  return {
    total: formatCount(snapshot.total),
    rps: totalRps(snapshot).toFixed(1),
    inFlight: formatCount(snapshot.inFlight),
    inFlightStreams: formatCount(snapshot.inFlightStreams),
    providers: snapshot.providers.map((provider) => liveProviderCells(provider)),
    chart: { points: chartPoints(snapshot.series, max), max: formatCount(max) },
  };
}

/** The trace index of the running config's traces folder: made on first use, made again when the folder or the bound changes. */
class ConsoleTraces {
  #index: TraceIndex | undefined;
  #key = '';

  async ready(snapshot: ConfigSnapshot): Promise<TraceIndex> {
    const key = `${snapshot.traces.dir}\u0000${snapshot.ui.indexMaxRequests}`;
    if (!this.#index || key !== this.#key) {
      this.#index = new TraceIndex({ dir: snapshot.traces.dir, maxRequests: snapshot.ui.indexMaxRequests });
      this.#key = key;
    }
    await this.#index.refresh();
    return this.#index;
  }
}

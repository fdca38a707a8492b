import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { FastifyRequest } from 'fastify';
import type { ConfigSnapshot, ResolvedKey } from '../config/snapshot.js';
import { GatewayError } from '../errors/gateway-error.js';
import { authenticate } from '../server/authenticate.js';
import type { ConsoleSessions } from './console-sessions.js';

/** The session cookie's name. */
export const sessionCookie = 'switchboard_console';

/** Who is looking, or why nobody may. */
export type ConsoleAccess =
  | { allowed: true; key: ResolvedKey; via: 'bearer' | 'cookie' }
  | { allowed: false; reason: 'sign-in' | 'not-admin' | 'invalid-key' };

/**
 * An admin key in `Authorization: Bearer` (or `x-api-key`), checked like any
 * API key; else the session cookie of a browser sign-in. A client key is
 * refused whichever way it comes. The key behind a cookie is looked up in
 * the current config each time, so taking `role: admin` away or disabling
 * the key ends its sessions at the next reload.
 */
export function consoleAccess(snapshot: ConfigSnapshot, request: FastifyRequest, sessions: ConsoleSessions): ConsoleAccess {
  const presented = adminKey(snapshot, { authorization: request.headers.authorization, 'x-api-key': request.headers['x-api-key'] });
  if (presented !== 'missing') return presented === 'invalid' || presented === 'disabled' ? { allowed: false, reason: 'invalid-key' } : keyAccess(presented, 'bearer');
  const id = sessionIdOf(request);
  const sha256 = id === undefined ? undefined : sessions.keyOf(id);
  const key = sha256 === undefined ? undefined : snapshot.keysBySha256.get(sha256);
  if (!key || key.disabled || key.role !== 'admin') {
    if (id !== undefined) sessions.end(id);
    return { allowed: false, reason: 'sign-in' };
  }
  return { allowed: true, key, via: 'cookie' };
}

function keyAccess(key: ResolvedKey, via: 'bearer' | 'cookie'): ConsoleAccess {
  return key.role === 'admin' ? { allowed: true, key, via } : { allowed: false, reason: 'not-admin' };
}

/** The key these headers present, through the gateway's own authentication (hash lookup, disabled keys refused). */
export function adminKey(snapshot: ConfigSnapshot, headers: Record<string, string | string[] | undefined>): ResolvedKey | 'missing' | 'invalid' | 'disabled' {
  try {
    return authenticate(snapshot, headers).key;
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    if (error.code === 'SB_AUTH_MISSING_KEY') return 'missing';
    return error.code === 'SB_AUTH_KEY_DISABLED' ? 'disabled' : 'invalid';
  }
}

export function sessionIdOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined) return undefined;
  return parseCookies(header)[sessionCookie] || undefined;
}

/**
 * The sign-in cookie: HttpOnly (no script reads it), SameSite=Strict (no
 * other site's page sends it, so no cross-site request acts as the admin),
 * limited to `/ui`, Secure when the gateway is reached over HTTPS.
 */
export function sessionCookieHeader(id: string, lifetimeMs: number, secure: boolean): string {
  return serializeCookie(sessionCookie, id, { httpOnly: true, sameSite: 'strict', path: '/ui', maxAge: Math.floor(lifetimeMs / 1000), secure });
}

export function clearedSessionCookieHeader(secure: boolean): string {
  return serializeCookie(sessionCookie, '', { httpOnly: true, sameSite: 'strict', path: '/ui', maxAge: 0, secure });
}

/**
 * A state-changing form post must come from a console page: browsers send
 * `Origin` on every POST, and it must name this gateway. Without an Origin,
 * `Sec-Fetch-Site: same-origin` will do; with neither, the post is refused
 * (a script that has the key can use `Authorization: Bearer` instead).
 */
export function sameOrigin(request: FastifyRequest): boolean {
  const host = request.headers.host;
  const origin = request.headers.origin;
  if (typeof origin === 'string' && origin !== 'null') {
    try {
      return host !== undefined && new URL(origin).host === host;
    } catch {
      return false;
    }
  }
  return request.headers['sec-fetch-site'] === 'same-origin';
}

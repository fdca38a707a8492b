import { randomBytes } from 'node:crypto';

interface ConsoleSession {
  /** The SHA-256 of the admin key that signed in; the key is looked up again on every request. */
  keySha256: string;
  expiresAt: number;
}

/** Sign-ins kept at once; the oldest goes first past this (a script signing in in a loop cannot grow memory). */
const maxSessions = 1000;

/**
 * Browser sign-ins of the console, in memory: a random 256-bit id (the
 * cookie value) maps to the key that signed in and an expiry. Nothing is
 * derived from the key, so a stolen cookie is worth one session, and a
 * restart signs everyone out. The key's role is checked on every use, so a
 * reload that takes `role: admin` away (or disables the key) ends its
 * sessions at once.
 */
export class ConsoleSessions {
  readonly #sessions = new Map<string, ConsoleSession>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  create(keySha256: string, lifetimeMs: number): string {
    const id = randomBytes(32).toString('base64url');
    if (this.#sessions.size >= maxSessions) this.#sessions.delete(this.#sessions.keys().next().value!);
    this.#sessions.set(id, { keySha256, expiresAt: this.#now() + lifetimeMs });
    return id;
  }

  /** The key hash of a live session; an expired one is forgotten. */
  keyOf(id: string): string | undefined {
    const session = this.#sessions.get(id);
    if (!session) return undefined;
    if (session.expiresAt <= this.#now()) {
      this.#sessions.delete(id);
      return undefined;
    }
    return session.keySha256;
  }

  end(id: string): void {
    this.#sessions.delete(id);
  }
}

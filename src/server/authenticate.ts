import { createHash } from 'node:crypto';
import type { CompiledProfile, ConfigSnapshot, ResolvedKey } from '../config/snapshot.js';
import { GatewayError } from '../errors/gateway-error.js';

export interface Caller {
  key: ResolvedKey;
  profile: CompiledProfile;
}

/**
 * Hashes of secrets that matched a key, so a busy key costs one map lookup instead of a SHA-256 per
 * request. Keyed by the secret, which the process holds anyway while it serves that key's requests;
 * valid across reloads, since the lookup still goes through the current snapshot's hashes.
 */
const knownHashes = new Map<string, string>();
const maxKnownHashes = 4096;

/**
 * Finds the caller's key by the SHA-256 of the presented secret: the secret
 * is never compared as text (no timing side channel on a string compare, and
 * the config holds only hashes). Then picks the active profile, or the one
 * the client asked for in `x-switchboard-profile` if the key allows it.
 */
export function authenticate(snapshot: ConfigSnapshot, headers: Record<string, string | string[] | undefined>): Caller {
  const secret = presentedSecret(headers);
  if (secret === undefined) throw new GatewayError('SB_AUTH_MISSING_KEY', 'no API key: send it in the x-api-key header or as Authorization: Bearer <key>');
  const hash = knownHashes.get(secret) ?? createHash('sha256').update(secret).digest('hex');
  const key = snapshot.keysBySha256.get(hash);
  if (!key) throw new GatewayError('SB_AUTH_INVALID_KEY', 'invalid API key');
  // Only secrets that matched a key are remembered, so a flood of bad keys cannot grow the cache.
  if (knownHashes.size < maxKnownHashes) knownHashes.set(secret, hash);
  if (key.disabled) throw new GatewayError('SB_AUTH_KEY_DISABLED', `API key "${key.name}" is disabled`);
  const asked = headers['x-switchboard-profile'];
  const profileName = typeof asked === 'string' && asked !== '' ? asked : key.profile;
  if (profileName !== key.profile && !key.allowedProfiles.includes(profileName)) {
    throw new GatewayError('SB_AUTH_PROFILE_FORBIDDEN', `API key "${key.name}" may not use profile "${profileName}"; it may use: ${key.allowedProfiles.join(', ')}`);
  }
  const profile = snapshot.profiles.get(profileName);
  if (!profile) throw new GatewayError('SB_ROUTE_UNKNOWN_PROFILE', `profile "${profileName}" does not exist`);
  return { key, profile };
}

/**
 * The key in `x-api-key` or `Authorization: Bearer`. Both may be sent (some SDKs set both from one
 * setting), but two different keys are refused: picking one silently would bill and route by a key
 * the caller may not have meant.
 */
function presentedSecret(headers: Record<string, string | string[] | undefined>): string | undefined {
  const header = headers['x-api-key'];
  const apiKey = typeof header === 'string' && header !== '' ? header : undefined;
  const authorization = headers.authorization;
  const bearer =
    typeof authorization === 'string' && authorization.length > 7 && authorization.slice(0, 7).toLowerCase() === 'bearer ' ? authorization.slice(7).trim() : undefined;
  if (apiKey !== undefined && bearer !== undefined && apiKey !== bearer) {
    throw new GatewayError('SB_AUTH_CONFLICTING_KEYS', 'the request carries two different API keys, in x-api-key and in Authorization: Bearer; send one');
  }
  return apiKey ?? bearer;
}

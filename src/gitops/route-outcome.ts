import type { ConfigSnapshot } from '../config/snapshot.js';
import { formatTarget, resolveRoute } from '../routing/resolve-route.js';

/** Where a config sends one (key, profile, model), or why it refuses it: what plan and replay compare. */
export type RouteOutcome =
  | { kind: 'routed'; /** Targets in the order tried, `provider/model`. */ targets: string[]; /** The matching rule as written, or `default`. */ rule: string }
  | { kind: 'refused'; reason: RefusalReason };

export type RefusalReason = 'no rule matches' | 'key disabled' | 'no such key' | 'profile not allowed for key' | 'no such profile';

/**
 * Routes `model` for the key named `keyName` the way the gateway would:
 * the key must exist and be enabled, `profile` (the key's own when not
 * given) must be one the key may use, and the profile's rules decide.
 */
export function routeOutcome(snapshot: ConfigSnapshot, keyName: string, profile: string | undefined, model: string): RouteOutcome {
  const key = snapshot.keysByName.get(keyName);
  if (!key) return { kind: 'refused', reason: 'no such key' };
  if (key.disabled) return { kind: 'refused', reason: 'key disabled' };
  const profileName = profile ?? key.profile;
  if (!key.allowedProfiles.includes(profileName)) return { kind: 'refused', reason: 'profile not allowed for key' };
  const compiled = snapshot.profiles.get(profileName);
  if (!compiled) return { kind: 'refused', reason: 'no such profile' };
  const decision = resolveRoute(compiled, model);
  if (!decision) return { kind: 'refused', reason: 'no rule matches' };
  return { kind: 'routed', targets: decision.targets.map(formatTarget), rule: decision.match };
}

/** `deepseek/deepseek-reasoner`, `[openai/gpt-5, deepseek/deepseek-chat]` for a fallback chain, `refused (no rule matches)`. */
export function describeOutcome(outcome: RouteOutcome): string {
  if (outcome.kind === 'refused') return `refused (${outcome.reason})`;
  return outcome.targets.length === 1 ? outcome.targets[0]! : `[${outcome.targets.join(', ')}]`;
}

/** Whether two outcomes send traffic to the same place (the matching rule may differ). */
export function sameDestination(a: RouteOutcome, b: RouteOutcome): boolean {
  if (a.kind === 'refused' || b.kind === 'refused') return a.kind === b.kind;
  return a.targets.length === b.targets.length && a.targets.every((target, index) => target === b.targets[index]);
}

/** The provider of a `provider/model` target. */
export function providerOf(target: string): string {
  return target.slice(0, target.indexOf('/'));
}

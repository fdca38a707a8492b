import type { ConfigSnapshot } from '../config/snapshot.js';
import { describeOutcome, routeOutcome, sameDestination, type RouteOutcome } from './route-outcome.js';

/** One (key, profile, model) whose destination differs between two configs. */
export interface RouteChange {
  key: string;
  profile: string;
  /** False when the profile is one the key picks per request with `x-switchboard-profile`. */
  active: boolean;
  model: string;
  before: RouteOutcome;
  after: RouteOutcome;
}

export interface ProviderChange {
  name: string;
  /** Which settings that decide where requests go changed: `format`, `base_url`. */
  fields: string[];
}

/** The semantic difference between two configs: routes, not YAML lines. */
export interface RoutingPlan {
  models: string[];
  changes: RouteChange[];
  /** (key, profile, model) combinations compared, changed or not. */
  compared: number;
  providers: { added: string[]; removed: string[]; changed: ProviderChange[] };
  keys: { added: string[]; removed: string[] };
  profiles: { added: string[]; removed: string[] };
  /** Keys whose active profile changed. */
  keyProfileSwitches: Array<{ key: string; before: string; after: string }>;
}

/**
 * Model names the configs' rules can see: every exact rule, every routing
 * test, and `extra` (models seen in traces), sorted. Regex rules cannot be
 * enumerated; their tests and the traffic stand in for them.
 */
export function modelsToCompare(snapshots: readonly ConfigSnapshot[], extra: Iterable<string> = []): string[] {
  const models = new Set(extra);
  for (const snapshot of snapshots) {
    for (const profile of snapshot.profiles.values()) for (const rule of profile.rules) if (rule.kind === 'exact') models.add(rule.match);
    for (const profile of snapshot.source.profiles.values()) for (const test of profile.tests ?? []) models.add(test.model);
  }
  return [...models].sort();
}

/** Compares where every key of either config sends every model, in each profile it may use. */
export function planRouting(before: ConfigSnapshot, after: ConfigSnapshot, models: readonly string[]): RoutingPlan {
  const changes: RouteChange[] = [];
  let compared = 0;
  for (const key of union(before.keysByName.keys(), after.keysByName.keys())) {
    const activeProfile = after.keysByName.get(key)?.profile ?? before.keysByName.get(key)!.profile;
    // Besides the key's own profile, the ones it may pick per request on either side; a key's former own profile is not one of them.
    const picked = union(pickedProfiles(before, key), pickedProfiles(after, key)).filter((profile) => profile !== activeProfile);
    for (const profile of [activeProfile, ...picked]) {
      const active = profile === activeProfile;
      for (const model of models) {
        compared++;
        // The active profile is compared as "whatever the key uses", so a key moved to another profile shows the routes it moves.
        const beforeOutcome = routeOutcome(before, key, active ? undefined : profile, model);
        const afterOutcome = routeOutcome(after, key, active ? undefined : profile, model);
        if (!sameDestination(beforeOutcome, afterOutcome)) changes.push({ key, profile, active, model, before: beforeOutcome, after: afterOutcome });
      }
    }
  }
  return {
    models: [...models],
    changes,
    compared,
    providers: { ...addedRemoved(before.providers.keys(), after.providers.keys()), changed: changedProviders(before, after) },
    keys: addedRemoved(before.keysByName.keys(), after.keysByName.keys()),
    profiles: addedRemoved(before.profiles.keys(), after.profiles.keys()),
    keyProfileSwitches: [...after.keysByName.values()]
      .filter((key) => before.keysByName.has(key.name) && before.keysByName.get(key.name)!.profile !== key.profile)
      .map((key) => ({ key: key.name, before: before.keysByName.get(key.name)!.profile, after: key.profile })),
  };
}

/** True when some request would go somewhere else (or be refused, or be served where it was refused). */
export function routingChanged(plan: RoutingPlan): boolean {
  return plan.changes.length > 0;
}

/** `key ci, claude-sonnet-4-5: anthropic/claude-sonnet-4-5 -> deepseek/deepseek-reasoner` */
export function describeChange(change: RouteChange): string {
  return `${describeSubject(change)}: ${describeOutcome(change.before)} -> ${describeOutcome(change.after)}`;
}

/** `key ci, claude-sonnet-4-5`, or `key alice (profile demo), gpt-5` for a profile picked per request. */
export function describeSubject(change: Pick<RouteChange, 'key' | 'profile' | 'active' | 'model'>): string {
  return `key ${change.key}${change.active ? '' : ` (profile ${change.profile})`}, ${change.model}`;
}

function changedProviders(before: ConfigSnapshot, after: ConfigSnapshot): ProviderChange[] {
  const changed: ProviderChange[] = [];
  for (const [name, provider] of after.providers) {
    const previous = before.providers.get(name);
    if (!previous) continue;
    const fields = [...(previous.format !== provider.format ? ['format'] : []), ...(previous.baseUrl !== provider.baseUrl ? ['base_url'] : [])];
    if (fields.length > 0) changed.push({ name, fields });
  }
  return changed;
}

function addedRemoved(before: Iterable<string>, after: Iterable<string>): { added: string[]; removed: string[] } {
  const beforeSet = new Set(before);
  const afterSet = new Set(after);
  return { added: [...afterSet].filter((name) => !beforeSet.has(name)).sort(), removed: [...beforeSet].filter((name) => !afterSet.has(name)).sort() };
}

function union(a: Iterable<string>, b: Iterable<string>): string[] {
  return [...new Set([...a, ...b])].sort();
}

/** Profiles a key may pick with `x-switchboard-profile`: its allowed profiles but its own. */
function pickedProfiles(snapshot: ConfigSnapshot, keyName: string): string[] {
  const key = snapshot.keysByName.get(keyName);
  return key ? key.allowedProfiles.filter((profile) => profile !== key.profile) : [];
}

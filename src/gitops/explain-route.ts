import { didYouMean } from '../config/did-you-mean.js';
import type { CompiledRule, ConfigSnapshot } from '../config/snapshot.js';
import type { ProviderFormat } from '../config/types.js';
import { formatTarget, resolveRoute } from '../routing/resolve-route.js';
import { CommandError } from './command-support.js';

/** One rule as the router tried it. */
export interface RuleAttempt {
  /** Position in the profile's rules, from 0. */
  index: number;
  kind: 'exact' | 'regex';
  match: string;
  matched: boolean;
  /** Why it matched or not, for a person. */
  reason: string;
}

export interface TargetDetail {
  target: string;
  provider: string;
  format: ProviderFormat;
  /** Empty for `mock`. */
  baseUrl: string;
}

/** How one (key, profile, model) is routed, step by step. */
export interface RouteExplanation {
  key?: string;
  profile: string;
  /** How the profile was chosen. */
  profileSource: 'key' | 'header' | 'option';
  model: string;
  /** Rules in the order they were tried, up to and including the match. */
  tried: RuleAttempt[];
  /** Rules after the match, never reached. */
  notTried: number;
  /** `default` when no rule matched and the profile's default applied. */
  decidedBy: number | 'default' | 'refused';
  targets: TargetDetail[];
  /** Why the request would be refused before or during routing. */
  refusal?: string;
}

/**
 * Explains where `model` goes for `keyName` (in `profile` when given: the
 * `x-switchboard-profile` header) or, without a key, in `profile`. The rule
 * walk mirrors first-match-wins; the final decision is `resolveRoute`'s own,
 * so the explanation cannot drift from what the gateway does.
 */
export function explainRoute(snapshot: ConfigSnapshot, request: { key?: string | undefined; profile?: string | undefined; model: string }): RouteExplanation {
  const { model } = request;
  let profileName: string;
  let profileSource: RouteExplanation['profileSource'];
  let refusal: string | undefined;
  if (request.key !== undefined) {
    const key = snapshot.keysByName.get(request.key);
    if (!key) throw new CommandError(`no key "${request.key}" in gateway.yaml${didYouMean(request.key, snapshot.keysByName.keys())}`);
    profileName = request.profile ?? key.profile;
    profileSource = request.profile === undefined ? 'key' : 'header';
    if (key.disabled) refusal = `key "${key.name}" is disabled (403 SB_AUTH_KEY_DISABLED)`;
    else if (!key.allowedProfiles.includes(profileName)) refusal = `key "${key.name}" may not use profile "${profileName}"; it may use ${key.allowedProfiles.join(', ')} (403 SB_AUTH_PROFILE_FORBIDDEN)`;
  } else {
    if (request.profile === undefined) throw new CommandError('give --key NAME, --profile NAME, or both');
    profileName = request.profile;
    profileSource = 'option';
  }
  const profile = snapshot.profiles.get(profileName);
  if (!profile) throw new CommandError(`no profile "${profileName}"${didYouMean(profileName, snapshot.profiles.keys())}`);

  const base = { ...(request.key === undefined ? {} : { key: request.key }), profile: profileName, profileSource, model };
  if (refusal !== undefined) return { ...base, tried: [], notTried: profile.rules.length, decidedBy: 'refused', targets: [], refusal };

  const tried: RuleAttempt[] = [];
  for (const rule of profile.rules) {
    const attempt = tryRule(rule, model);
    tried.push(attempt);
    if (attempt.matched) break;
  }
  const decision = resolveRoute(profile, model);
  const matchedIndex = tried.at(-1)?.matched ? tried.at(-1)!.index : undefined;
  if ((decision?.rule ?? 'none') !== (matchedIndex ?? (decision ? 'default' : 'none'))) {
    throw new Error(`explain disagrees with the router for model "${model}" in profile "${profileName}"`);
  }
  const notTried = profile.rules.length - tried.length;
  if (!decision) {
    return { ...base, tried, notTried, decidedBy: 'refused', targets: [], refusal: `no rule matches and profile "${profileName}" has no default (404 SB_ROUTE_NO_MATCH)` };
  }
  const targets = decision.targets.map((target) => {
    const provider = snapshot.providers.get(target.provider)!;
    return { target: formatTarget(target), provider: provider.name, format: provider.format, baseUrl: provider.baseUrl };
  });
  return { ...base, tried, notTried, decidedBy: decision.rule, targets };
}

function tryRule(rule: CompiledRule, model: string): RuleAttempt {
  const base = { index: rule.index, kind: rule.kind, match: rule.match };
  if (rule.kind === 'exact') {
    const matched = rule.match === model;
    return { ...base, matched, reason: matched ? 'the model is exactly this name' : `the model is not "${rule.match}"` };
  }
  const captures = rule.regex!.exec(model);
  if (!captures) return { ...base, matched: false, reason: `/${rule.match}/ does not match` };
  const groups = captures.slice(1).map((value, index) => `$${index + 1}="${value ?? ''}"`);
  return { ...base, matched: true, reason: `/${rule.match}/ matches "${captures[0]}"${groups.length > 0 ? ` with ${groups.join(', ')}` : ''}` };
}

/** The explanation as text for a terminal. */
export function formatExplanation(explanation: RouteExplanation): string {
  const lines: string[] = [];
  const via = { key: `the key's profile`, header: 'picked with x-switchboard-profile', option: 'given with --profile' }[explanation.profileSource];
  lines.push(`${explanation.key === undefined ? '' : `key ${explanation.key}, `}model ${explanation.model}`);
  lines.push(`profile: ${explanation.profile} (${via})`);
  if (explanation.tried.length > 0 || explanation.notTried > 0) lines.push('rules:');
  for (const attempt of explanation.tried) {
    const text = attempt.kind === 'exact' ? `model: ${attempt.match}` : `model_regex: ${attempt.match}`;
    lines.push(`  ${attempt.matched ? 'MATCH' : 'no   '} rule ${attempt.index + 1} (${text}): ${attempt.reason}`);
  }
  if (explanation.notTried > 0) lines.push(`  (${explanation.notTried} later rule${explanation.notTried === 1 ? '' : 's'} not tried${explanation.refusal !== undefined && explanation.tried.length === 0 ? '' : ': first match wins'})`);
  if (explanation.decidedBy === 'default') lines.push('  no rule matched: the profile default applies');
  if (explanation.refusal !== undefined) {
    lines.push(`refused: ${explanation.refusal}`);
    return `${lines.join('\n')}\n`;
  }
  lines.push('targets (tried in order; the next one only when an attempt fails before the first byte):');
  explanation.targets.forEach((target, index) => {
    const where = target.format === 'mock' ? 'built-in mock provider' : `${target.format} at ${target.baseUrl}`;
    lines.push(`  ${index + 1}. ${target.target}  (${where})`);
  });
  return `${lines.join('\n')}\n`;
}

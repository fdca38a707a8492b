import type { CompiledProfile, CompiledRule, Target } from '../config/snapshot.js';
import type { ModelPattern } from './model-pattern.js';

/** Which rule of a profile serves a model, and where it goes. */
export interface RouteDecision {
  profile: string;
  /** Rule index from 0, or `default` when no rule matched. */
  rule: number | 'default';
  /** The rule's match text (exact model or regex source); `default` for the default. */
  match: string;
  /** Targets in the order they are tried, with regex captures substituted. */
  targets: readonly Target[];
}

/**
 * First-match-wins routing. Exact rules and regex rules are checked in file
 * order; the exact-model index only lets an exact hit skip the regex rules
 * that come after it, never the ones before it.
 */
export function resolveRoute(profile: CompiledProfile, model: string): RouteDecision | undefined {
  const exactIndex = profile.firstExactRule.get(model);
  const limit = exactIndex ?? profile.rules.length;
  for (let index = 0; index < limit; index++) {
    const rule = profile.rules[index]!;
    if (rule.kind !== 'regex') continue;
    if (rule.regex!.test(model)) return decide(profile, rule, substituteCaptures(rule.targets, rule.regex!, model));
  }
  if (exactIndex !== undefined) {
    const rule = profile.rules[exactIndex]!;
    return decide(profile, rule, rule.targets);
  }
  if (profile.defaultTargets) {
    return { profile: profile.name, rule: 'default', match: 'default', targets: profile.defaultTargets };
  }
  return undefined;
}

function decide(profile: CompiledProfile, rule: CompiledRule, targets: readonly Target[]): RouteDecision {
  return { profile: profile.name, rule: rule.index, match: rule.match, targets };
}

function substituteCaptures(targets: readonly Target[], regex: ModelPattern, model: string): readonly Target[] {
  if (!targets.some((target) => target.model.includes('$'))) return targets;
  // Captures only when a target uses them: RE2 answers a plain test from its DFA, several times faster.
  const captures = regex.exec(model)!;
  return targets.map((target) => ({
    provider: target.provider,
    model: target.model.replace(/\$(\d+)/g, (_, group: string) => captures[Number(group)] ?? ''),
  }));
}

/** `provider/model` text for a target, as written in the YAML. */
export function formatTarget(target: Target): string {
  return `${target.provider}/${target.model}`;
}

/** Splits `provider/model` at the first `/`, so `openrouter/anthropic/claude-opus-4.6` keeps its model path. */
export function parseTarget(text: string): Target | undefined {
  const slash = text.indexOf('/');
  if (slash <= 0 || slash === text.length - 1) return undefined;
  return { provider: text.slice(0, slash), model: text.slice(slash + 1) };
}

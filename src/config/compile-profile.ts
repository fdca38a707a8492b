import { parseTarget } from '../routing/resolve-route.js';
import type { CompiledProfile, CompiledRule, ResolvedBudget, Target } from './snapshot.js';
import type { BudgetSettings, ProfileFile, RoutingRule, TargetList } from './types.js';

/**
 * Compiles a profile that passed `checkProfile`: regexes built once, targets
 * split, and the exact-model index that lets `resolveRoute` skip the scan.
 * Throws on input the checks would have refused.
 */
export function compileProfile(name: string, file: string, profile: ProfileFile): CompiledProfile {
  const rules = profile.rules.map((rule, index) => compileRule(rule, index));
  const firstExactRule = new Map<string, number>();
  for (const rule of rules) {
    if (rule.kind === 'exact' && !firstExactRule.has(rule.match)) firstExactRule.set(rule.match, rule.index);
  }
  return {
    name,
    file,
    rules,
    firstExactRule,
    ...(profile.default === undefined ? {} : { defaultTargets: compileTargets(profile.default) }),
    ...budgetOf(profile),
  };
}

/** The `budget` and `budget_fallback` of a key or profile, compiled. */
export function budgetOf(owner: { budget?: BudgetSettings | undefined; budget_fallback?: TargetList | undefined }): { budget?: ResolvedBudget; budgetFallback?: Target[] } {
  const { budget, budget_fallback: fallback } = owner;
  return {
    ...(budget === undefined
      ? {}
      : {
          budget: {
            ...(budget.usd_per_day === undefined ? {} : { usdPerDay: budget.usd_per_day }),
            ...(budget.usd_per_month === undefined ? {} : { usdPerMonth: budget.usd_per_month }),
            ...(budget.tokens_per_day === undefined ? {} : { tokensPerDay: budget.tokens_per_day }),
            warnAtPercent: budget.warn_at_percent ?? 80,
          },
        }),
    ...(fallback === undefined ? {} : { budgetFallback: compileTargets(fallback) }),
  };
}

function compileRule(rule: RoutingRule, index: number): CompiledRule {
  const targets = compileTargets(rule.to);
  if (rule.model !== undefined) return { index, match: rule.model, kind: 'exact', targets };
  if (rule.model_regex === undefined) throw new Error(`rule ${index + 1} has no model or model_regex`);
  return { index, match: rule.model_regex, kind: 'regex', regex: new RegExp(rule.model_regex), targets };
}

/** The `to` (or `default`) value as a list, in the order the targets are tried. */
export function targetTexts(list: TargetList): string[] {
  return typeof list === 'string' ? [list] : list;
}

function compileTargets(list: TargetList): Target[] {
  return targetTexts(list).map((text) => {
    const target = parseTarget(text);
    if (!target) throw new Error(`target "${text}" is not of the form provider/model`);
    return target;
  });
}

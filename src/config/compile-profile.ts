import { ModelPattern } from '../routing/model-pattern.js';
import { parseTarget } from '../routing/resolve-route.js';
import type { CompiledProfile, CompiledRule, ListedModelEntry, ResolvedBudget, Target } from './snapshot.js';
import type { BudgetSettings, ProfileFile, RoutingRule, TargetList } from './types.js';
import { positionOf, type PositionedDocument } from './yaml-positions.js';

/**
 * Compiles a profile that passed `checkProfile`: regexes built once, targets
 * split, and the exact-model index that lets `resolveRoute` skip the scan.
 * Throws on input the checks would have refused. With the parsed document,
 * each rule remembers its line, so the console can link it to its file.
 */
export function compileProfile(name: string, file: string, profile: ProfileFile, lines?: ProfileLines): CompiledProfile {
  const rules = profile.rules.map((rule, index) => withLine(compileRule(rule, index), lines?.rules[index]));
  const firstExactRule = new Map<string, number>();
  for (const rule of rules) {
    if (rule.kind === 'exact' && !firstExactRule.has(rule.match)) firstExactRule.set(rule.match, rule.index);
  }
  const defaultTargets = profile.default === undefined ? undefined : compileTargets(profile.default);
  const compiled: CompiledProfile = { name, file, rules, firstExactRule, listedModels: listedModels(profile, defaultTargets), ...budgetOf(profile) };
  if (defaultTargets === undefined) return compiled;
  return { ...compiled, defaultTargets, ...(lines?.default !== undefined && { defaultLine: lines.default }) };
}

/**
 * Where a profile's rules and default are in its file, read where the YAML was parsed (the config
 * worker): plain numbers, since a parsed document cannot cross to the serving thread.
 */
export interface ProfileLines {
  rules: ReadonlyArray<number>;
  default?: number;
}

export function profileLines(positioned: PositionedDocument, profile: ProfileFile): ProfileLines {
  const rules = profile.rules.map((_, index) => positionOf(positioned, ['rules', index]).line);
  return profile.default === undefined ? { rules } : { rules, default: positionOf(positioned, ['default'], 'key').line };
}

function withLine(rule: CompiledRule, line: number | undefined): CompiledRule {
  return line === undefined ? rule : { ...rule, line };
}

/**
 * The model list of a profile, built once per load: each rule's `list_as`
 * entries (an exact rule without one is listed under its model), then the
 * default's model, which any name reaches. First entry of an id wins.
 */
function listedModels(profile: ProfileFile, defaultTargets: readonly Target[] | undefined): ListedModelEntry[] {
  const entries = new Map<string, ListedModelEntry>();
  const add = (id: string, displayName?: string): void => {
    if (!entries.has(id)) entries.set(id, { id, displayName: displayName ?? id });
  };
  for (const rule of profile.rules) {
    if (rule.list_as !== undefined) for (const listed of rule.list_as) add(listed.model, listed.display_name);
    else if (rule.model !== undefined) add(rule.model);
  }
  if (defaultTargets?.[0]) add(defaultTargets[0].model);
  return [...entries.values()];
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
  const regex = ModelPattern.compile(rule.model_regex);
  if (!(regex instanceof ModelPattern)) throw new Error(`model_regex of rule ${index + 1}: ${regex.message}`);
  return { index, match: rule.model_regex, kind: 'regex', regex, targets };
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

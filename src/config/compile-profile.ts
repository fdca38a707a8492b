import { parseTarget } from '../routing/resolve-route.js';
import type { CompiledProfile, CompiledRule, Target } from './snapshot.js';
import type { ProfileFile, RoutingRule, TargetList } from './types.js';
import { positionOf, type PositionedDocument } from './yaml-positions.js';

/**
 * Compiles a profile that passed `checkProfile`: regexes built once, targets
 * split, and the exact-model index that lets `resolveRoute` skip the scan.
 * Throws on input the checks would have refused. With the parsed document,
 * each rule remembers its line, so the console can link it to its file.
 */
export function compileProfile(name: string, file: string, profile: ProfileFile, positioned?: PositionedDocument): CompiledProfile {
  const lineOf = (path: (string | number)[]): number | undefined => (positioned ? positionOf(positioned, path).line : undefined);
  const rules = profile.rules.map((rule, index) => withLine(compileRule(rule, index), lineOf(['rules', index])));
  const firstExactRule = new Map<string, number>();
  for (const rule of rules) {
    if (rule.kind === 'exact' && !firstExactRule.has(rule.match)) firstExactRule.set(rule.match, rule.index);
  }
  const compiled: CompiledProfile = { name, file, rules, firstExactRule };
  if (profile.default === undefined) return compiled;
  const defaultLine = positioned ? positionOf(positioned, ['default'], 'key').line : undefined;
  return { ...compiled, defaultTargets: compileTargets(profile.default), ...(defaultLine !== undefined && { defaultLine }) };
}

function withLine(rule: CompiledRule, line: number | undefined): CompiledRule {
  return line === undefined ? rule : { ...rule, line };
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

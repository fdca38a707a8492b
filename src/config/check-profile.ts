import { ModelPattern } from '../routing/model-pattern.js';
import { parseTarget } from '../routing/resolve-route.js';
import { configProblem, type ConfigProblem } from './config-problem.js';
import { targetTexts } from './compile-profile.js';
import { didYouMean } from './did-you-mean.js';
import type { ParsedConfigFile } from './parse-config-file.js';
import type { ProfileFile, TargetList } from './types.js';
import { positionOf, type DataPath } from './yaml-positions.js';

export interface ProfileCheck {
  problems: ConfigProblem[];
  /** Every rule has one valid matcher and every target splits: `compileProfile` will succeed. */
  compilable: boolean;
}

/** Problem codes after which the profile cannot be compiled (so its routing tests cannot run). */
const blocking = new Set(['CFG_RULE_NO_MATCHER', 'CFG_RULE_BOTH_MATCHERS', 'CFG_INVALID_REGEX', 'CFG_UNSAFE_REGEX', 'CFG_INVALID_TARGET']);

/**
 * Checks of a profile the schema cannot express: one matcher per rule, valid
 * regexes that a linear-time engine can run, rules that can never match, `$N` references
 * the regex cannot fill, and targets naming providers that do not exist.
 * `providerNames` is undefined when gateway.yaml is too broken to tell.
 */
export function checkProfile(parsed: ParsedConfigFile, profile: ProfileFile, providerNames: ReadonlySet<string> | undefined): ProfileCheck {
  const problems: ConfigProblem[] = [];
  const report = (code: Parameters<typeof configProblem>[0], path: DataPath, message: string) => problems.push(configProblem(code, parsed.file, positionOf(parsed, path), message));
  const regexes = new Map<number, ModelPattern>();

  profile.rules.forEach((rule, index) => {
    const label = `rule ${index + 1}`;
    if (rule.model === undefined && rule.model_regex === undefined) {
      report('CFG_RULE_NO_MATCHER', ['rules', index], `${label} needs "model" (an exact name) or "model_regex"`);
    } else if (rule.model !== undefined && rule.model_regex !== undefined) {
      report('CFG_RULE_BOTH_MATCHERS', ['rules', index, 'model_regex'], `${label} has both "model" and "model_regex"; give exactly one (split it into two rules to match both)`);
    } else if (rule.model_regex !== undefined) {
      const regex = ModelPattern.compile(rule.model_regex);
      if (regex instanceof ModelPattern) {
        regexes.set(index, regex);
        checkCaptures(rule.to, regex, rule.model_regex, ['rules', index, 'to'], label, report);
      } else if (regex.kind === 'invalid') {
        report('CFG_INVALID_REGEX', ['rules', index, 'model_regex'], `model_regex of ${label} is not a valid regular expression: ${regex.message}`);
      } else {
        report(
          'CFG_UNSAFE_REGEX',
          ['rules', index, 'model_regex'],
          `model_regex "${rule.model_regex}" of ${label} uses ${regex.message}, which cannot be matched in linear time; clients choose the model text, so rules run on a linear-time engine (RE2). Rewrite it without backreferences and lookarounds (list the alternatives, or add an earlier rule)`,
        );
      }
    }
    checkTargets(rule.to, ['rules', index, 'to'], `${label}`, providerNames, report);
  });
  if (profile.default !== undefined) checkTargets(profile.default, ['default'], 'the default', providerNames, report);
  if (profile.budget_fallback !== undefined) checkTargets(profile.budget_fallback, ['budget_fallback'], 'budget_fallback', providerNames, report);
  checkShadowing(parsed, profile, regexes, report);
  (profile.tests ?? []).forEach((test, index) => {
    if (test.expect !== 'refused' && !parseTarget(test.expect)) {
      report('CFG_INVALID_TARGET', ['tests', index, 'expect'], `expect of routing test ${index + 1} must be "provider/model" or "refused", not "${test.expect}"`);
    }
  });
  return { problems, compilable: !problems.some((problem) => blocking.has(problem.code)) };
}

export type Report = (code: Parameters<typeof configProblem>[0], path: DataPath, message: string) => void;

export function checkTargets(list: TargetList, path: DataPath, owner: string, providerNames: ReadonlySet<string> | undefined, report: Report): void {
  const texts = targetTexts(list);
  if (texts.length === 0) report('CFG_INVALID_TARGET', path, `${owner} has an empty target list; give at least one "provider/model"`);
  texts.forEach((text, index) => {
    const targetPath = typeof list === 'string' ? path : [...path, index];
    const target = parseTarget(text);
    if (!target) {
      report('CFG_INVALID_TARGET', targetPath, `target "${text}" of ${owner} must be "provider/model" (split at the first "/")`);
    } else if (providerNames && !providerNames.has(target.provider)) {
      report('CFG_UNKNOWN_PROVIDER', targetPath, `provider "${target.provider}" is not defined in gateway.yaml${didYouMean(target.provider, providerNames)}`);
    }
  });
}

function checkCaptures(list: TargetList, regex: ModelPattern, source: string, path: DataPath, owner: string, report: Report): void {
  const groups = regex.groupCount;
  targetTexts(list).forEach((text, index) => {
    for (const match of text.matchAll(/\$(\d+)/g)) {
      const group = Number(match[1]);
      if (group <= groups) continue;
      const targetPath = typeof list === 'string' ? path : [...path, index];
      const has = groups === 0 ? 'no capture groups' : groups === 1 ? 'only 1 capture group' : `only ${groups} capture groups`;
      report('CFG_CAPTURE_OUT_OF_RANGE', targetPath, `target "${text}" of ${owner} uses $${group}, but model_regex "${source}" has ${has}`);
    }
  });
}

/**
 * First match wins, so a rule after one that always matches first is dead:
 * an exact model an earlier regex already matches, an exact model listed
 * twice, or a regex repeated verbatim.
 */
function checkShadowing(parsed: ParsedConfigFile, profile: ProfileFile, regexes: ReadonlyMap<number, ModelPattern>, report: Report): void {
  const describe = (index: number) => {
    const rule = profile.rules[index]!;
    const matcher = rule.model !== undefined ? `model "${rule.model}"` : `model_regex "${rule.model_regex}"`;
    return `rule ${index + 1} (${matcher}, line ${positionOf(parsed, ['rules', index]).line})`;
  };
  profile.rules.forEach((rule, index) => {
    if ((rule.model === undefined) === (rule.model_regex === undefined)) return;
    for (let earlier = 0; earlier < index; earlier++) {
      const previous = profile.rules[earlier]!;
      if ((previous.model === undefined) === (previous.model_regex === undefined)) continue;
      let shadowed = false;
      if (rule.model !== undefined) {
        shadowed = previous.model === rule.model || (regexes.get(earlier)?.test(rule.model) ?? false);
      } else {
        shadowed = previous.model_regex === rule.model_regex && regexes.has(earlier);
      }
      if (shadowed) {
        const field = rule.model !== undefined ? 'model' : 'model_regex';
        const reason = rule.model !== undefined ? `matches "${rule.model}"` : 'has the same regex';
        report('CFG_RULE_SHADOWED', ['rules', index, field], `rule ${index + 1} never matches: ${describe(earlier)} comes first and ${reason}`);
        return;
      }
    }
  });
}

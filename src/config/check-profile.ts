import safeRegex from 'safe-regex2';
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
const blocking = new Set(['CFG_RULE_NO_MATCHER', 'CFG_RULE_BOTH_MATCHERS', 'CFG_INVALID_REGEX', 'CFG_INVALID_TARGET']);

/**
 * Checks of a profile the schema cannot express: one matcher per rule, valid
 * and backtracking-safe regexes, rules that can never match, `$N` references
 * the regex cannot fill, and targets naming providers that do not exist.
 * `providerNames` is undefined when gateway.yaml is too broken to tell.
 */
export function checkProfile(parsed: ParsedConfigFile, profile: ProfileFile, providerNames: ReadonlySet<string> | undefined): ProfileCheck {
  const problems: ConfigProblem[] = [];
  const report = (code: Parameters<typeof configProblem>[0], path: DataPath, message: string) => problems.push(configProblem(code, parsed.file, positionOf(parsed, path), message));
  const regexes = new Map<number, RegExp>();

  profile.rules.forEach((rule, index) => {
    const label = `rule ${index + 1}`;
    if (rule.model === undefined && rule.model_regex === undefined) {
      report('CFG_RULE_NO_MATCHER', ['rules', index], `${label} needs "model" (an exact name) or "model_regex"`);
    } else if (rule.model !== undefined && rule.model_regex !== undefined) {
      report('CFG_RULE_BOTH_MATCHERS', ['rules', index, 'model_regex'], `${label} has both "model" and "model_regex"; give exactly one (split it into two rules to match both)`);
    } else if (rule.model_regex !== undefined) {
      const regex = compileRegex(rule.model_regex);
      if (typeof regex === 'string') {
        report('CFG_INVALID_REGEX', ['rules', index, 'model_regex'], `model_regex of ${label} is not a valid regular expression: ${regex}`);
      } else {
        regexes.set(index, regex);
        if (!isSafe(rule.model_regex)) {
          report(
            'CFG_UNSAFE_REGEX',
            ['rules', index, 'model_regex'],
            `model_regex "${rule.model_regex}" of ${label} can backtrack catastrophically (nested repetition such as "(a+)+"); clients choose the model text, so simplify it`,
          );
        }
        checkCaptures(rule.to, regex, rule.model_regex, ['rules', index, 'to'], label, report);
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

function checkCaptures(list: TargetList, regex: RegExp, source: string, path: DataPath, owner: string, report: Report): void {
  const groups = captureGroupCount(regex);
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
function checkShadowing(parsed: ParsedConfigFile, profile: ProfileFile, regexes: ReadonlyMap<number, RegExp>, report: Report): void {
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

function compileRegex(source: string): RegExp | string {
  try {
    return new RegExp(source);
  } catch (error) {
    return error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : String(error);
  }
}

function isSafe(source: string): boolean {
  try {
    return safeRegex(withoutExactCounts(source));
  } catch {
    // safe-regex2's parser rejects some syntax V8 accepts; the regex compiled fine, so it is not refused for that.
    return true;
  }
}

/**
 * safe-regex2 counts `{8}` as a repetition, so the everyday dated-model rule
 * `^claude-sonnet-4-5(-\d{8})?$` looked like nested repetition. An exact count
 * is just that many copies of the atom and cannot backtrack, so it is removed
 * before the check (outside character classes, unless escaped).
 */
export function withoutExactCounts(source: string): string {
  let result = '';
  let inClass = false;
  for (let index = 0; index < source.length; index++) {
    const char = source[index]!;
    if (char === '\\') {
      result += source.slice(index, index + 2);
      index++;
      continue;
    }
    if (char === '[') inClass = true;
    if (char === ']') inClass = false;
    const count = !inClass && char === '{' ? /^\{\d+\}/.exec(source.slice(index)) : null;
    if (count) {
      index += count[0].length - 1;
      continue;
    }
    result += char;
  }
  return result;
}

/** Capture groups of a regex: an alternation with the empty string always matches, and the result has one slot per group. */
function captureGroupCount(regex: RegExp): number {
  return new RegExp(`${regex.source}|`).exec('')!.length - 1;
}

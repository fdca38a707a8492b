import { resolveRoute } from '../routing/resolve-route.js';
import { isKnownTimeZone } from '../spend/budget-window.js';
import type { PriceTable } from '../spend/price-table.js';
import { compilePrices } from './compile-snapshot.js';
import { configProblem, type ConfigProblem } from './config-problem.js';
import { targetTexts } from './compile-profile.js';
import { envReferences } from './env-references.js';
import type { ParsedConfigFile } from './parse-config-file.js';
import type { CompiledProfile } from './snapshot.js';
import type { BudgetSettings, GatewayFile, ProfileFile, TargetList } from './types.js';
import { positionOf, type DataPath } from './yaml-positions.js';

/** A profile that passed its own checks, with the file it came from. */
export interface CheckedProfile {
  parsed: ParsedConfigFile;
  profile: ProfileFile;
  compiled: CompiledProfile;
}

/**
 * Checks of `pricing`, `limits` and budgets the schema cannot express: a
 * known currency, one matcher per price entry, a usable store and time zone,
 * and prices for what is routed. A target without a price is a warning (its
 * requests are traced without cost); under a `usd_*` budget it is an error,
 * since that budget could not count its spend.
 */
export function checkSpend(parsed: ParsedConfigFile, gateway: GatewayFile, profiles: ReadonlyMap<string, CheckedProfile>): ConfigProblem[] {
  const problems = [...checkPricing(parsed, gateway), ...checkLimits(parsed, gateway)];
  if (problems.some((problem) => problem.severity === 'error')) return problems;
  const prices = compilePrices(gateway.pricing, gateway.providers);
  const unpricedByProfile = new Map<string, string[]>();
  for (const [name, checked] of profiles) {
    const unpriced = unpricedTargets(checked, prices);
    unpricedByProfile.set(name, [...new Set(unpriced.map((target) => target.text))]);
    for (const target of unpriced) {
      problems.push(configProblem('CFG_TARGET_UNPRICED', checked.parsed.file, positionOf(checked.parsed, target.path), `${target.text} has no price: add it to pricing.models in gateway.yaml, or its requests are traced without cost`, 'warning'));
    }
    if (spendsUsd(checked.profile.budget) && unpricedByProfile.get(name)!.length > 0) {
      problems.push(budgetProblem(checked.parsed, ['budget'], `profile "${name}"`, unpricedByProfile.get(name)!));
    }
  }
  for (const [name, key] of Object.entries(gateway.keys)) {
    const fallback = (key.budget_fallback === undefined ? [] : targetTexts(key.budget_fallback)).filter((target) => !prices.lookup(target));
    if (!spendsUsd(key.budget)) {
      fallback.forEach((target) => problems.push(configProblem('CFG_TARGET_UNPRICED', parsed.file, positionOf(parsed, targetPath(['keys', name, 'budget_fallback'], key.budget_fallback!, target)), `${target} has no price: add it to pricing.models`, 'warning')));
      continue;
    }
    const covered = [...new Set([key.profile, ...(key.profiles ?? [])].flatMap((profile) => unpricedByProfile.get(profile) ?? []))];
    const unpriced = [...new Set([...covered, ...fallback])];
    if (unpriced.length > 0) problems.push(budgetProblem(parsed, ['keys', name, 'budget'], `key "${name}"`, unpriced));
  }
  return problems;
}

function checkPricing(parsed: ParsedConfigFile, gateway: GatewayFile): ConfigProblem[] {
  const pricing = gateway.pricing;
  if (!pricing) return [];
  const problems: ConfigProblem[] = [];
  const currency = pricing.currency ?? 'USD';
  if (!Intl.supportedValuesOf('currency').includes(currency)) {
    problems.push(configProblem('CFG_UNKNOWN_CURRENCY', parsed.file, positionOf(parsed, ['pricing', 'currency']), `currency "${currency}" is not an ISO 4217 code (USD, EUR, GBP...)`));
  } else if (currency !== 'USD' && pricing.usd_per_unit === undefined) {
    problems.push(
      configProblem('CFG_UNKNOWN_CURRENCY', parsed.file, positionOf(parsed, ['pricing', 'currency']), `prices in ${currency} need pricing.usd_per_unit (US dollars per ${currency}): costs and budgets are counted in US dollars`),
    );
  }
  pricing.models.forEach((model, index) => {
    if ((model.target === undefined) === (model.target_regex === undefined)) {
      problems.push(configProblem('CFG_PRICE_MATCHER', parsed.file, positionOf(parsed, ['pricing', 'models', index]), `price ${index + 1} needs exactly one of "target" (provider/model, * allowed) and "target_regex"`));
    } else if (model.target_regex !== undefined) {
      try {
        new RegExp(model.target_regex);
      } catch (error) {
        problems.push(configProblem('CFG_INVALID_REGEX', parsed.file, positionOf(parsed, ['pricing', 'models', index, 'target_regex']), `target_regex of price ${index + 1} is not a valid regular expression: ${(error as Error).message}`));
      }
    }
  });
  return problems;
}

function checkLimits(parsed: ParsedConfigFile, gateway: GatewayFile): ConfigProblem[] {
  const limits = gateway.limits;
  if (!limits) return [];
  const problems: ConfigProblem[] = [];
  if (limits.time_zone !== undefined && !isKnownTimeZone(limits.time_zone)) {
    problems.push(configProblem('CFG_INVALID_STORE', parsed.file, positionOf(parsed, ['limits', 'time_zone']), `time_zone "${limits.time_zone}" is not an IANA time zone (UTC, Europe/Berlin, America/New_York...)`));
  }
  const store = limits.store;
  if (store === undefined || store === 'memory') return problems;
  const where = positionOf(parsed, ['limits', 'store']);
  let url: URL | undefined;
  try {
    url = new URL(store.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*\}/g, 'x'));
  } catch {
    // Reported below.
  }
  if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') {
    problems.push(configProblem('CFG_INVALID_STORE', parsed.file, where, `store must be "memory" or a Redis URL such as redis://redis:6379, not "${store.replace(/\/\/[^@/]*@/, '//…@')}"`));
  } else {
    const password = /^rediss?:\/\/[^:@/]*:([^@/]*)@/.exec(store)?.[1] ?? '';
    if (password !== '' && envReferences(password).length === 0) {
      problems.push(configProblem('CFG_LITERAL_SECRET', parsed.file, where, 'the Redis password in limits.store must be an ${ENV_VAR} reference (redis://:${REDIS_PASSWORD}@host:6379), not a literal: secrets never belong in git'));
    }
  }
  return problems;
}

interface PlacedTarget {
  text: string;
  path: DataPath;
}

/**
 * Targets a profile sends requests to that no price matches: every target
 * written without `$N`, the budget fallback, and for rules with `$N`, the
 * targets their routing tests resolve to (a regex rule's targets are
 * otherwise open-ended).
 */
function unpricedTargets(checked: CheckedProfile, prices: PriceTable): PlacedTarget[] {
  const { profile, compiled } = checked;
  const placed: PlacedTarget[] = [];
  const add = (list: TargetList, path: DataPath): void => {
    for (const text of targetTexts(list)) if (!text.includes('$')) placed.push({ text, path: targetPath(path, list, text) });
  };
  profile.rules.forEach((rule, index) => add(rule.to, ['rules', index, 'to']));
  if (profile.default !== undefined) add(profile.default, ['default']);
  if (profile.budget_fallback !== undefined) add(profile.budget_fallback, ['budget_fallback']);
  (profile.tests ?? []).forEach((test, index) => {
    const decision = resolveRoute(compiled, test.model);
    for (const target of decision?.targets ?? []) {
      if (decision!.rule !== 'default' && compiled.rules[decision!.rule]!.targets.some((written) => written.model.includes('$'))) {
        placed.push({ text: `${target.provider}/${target.model}`, path: ['tests', index, 'model'] });
      }
    }
  });
  const seen = new Set<string>();
  return placed.filter((target) => {
    const id = `${target.text}\n${target.path.join('.')}`;
    if (seen.has(id) || prices.lookup(target.text)) return false;
    seen.add(id);
    return true;
  });
}

function targetPath(path: DataPath, list: TargetList, text: string): DataPath {
  return typeof list === 'string' ? path : [...path, list.indexOf(text)];
}

function spendsUsd(budget: BudgetSettings | undefined): boolean {
  return budget?.usd_per_day !== undefined || budget?.usd_per_month !== undefined;
}

function budgetProblem(parsed: ParsedConfigFile, path: DataPath, owner: string, unpriced: string[]): ConfigProblem {
  return configProblem(
    'CFG_BUDGET_UNPRICED',
    parsed.file,
    positionOf(parsed, path),
    `the US dollar budget of ${owner} covers ${unpriced.join(', ')}, which ${unpriced.length === 1 ? 'has' : 'have'} no price: add ${unpriced.length === 1 ? 'it' : 'them'} to pricing.models in gateway.yaml`,
  );
}

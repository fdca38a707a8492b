import { formatTarget, resolveRoute, type RouteDecision } from '../routing/resolve-route.js';
import { configProblem, type ConfigProblem } from './config-problem.js';
import type { ParsedConfigFile } from './parse-config-file.js';
import type { CompiledProfile } from './snapshot.js';
import type { ProfileFile } from './types.js';
import { positionOf } from './yaml-positions.js';

export interface RoutingTestResult {
  problems: ConfigProblem[];
  passed: number;
}

/**
 * Runs the profile's `tests:` through the same `resolveRoute` that serves
 * requests, so a pull request that changes routing shows exactly which
 * expectation it breaks. `refused` expects no rule and no default to match.
 */
export function checkRoutingTests(parsed: ParsedConfigFile, profile: ProfileFile, compiled: CompiledProfile): RoutingTestResult {
  const problems: ConfigProblem[] = [];
  let passed = 0;
  (profile.tests ?? []).forEach((test, index) => {
    const decision = resolveRoute(compiled, test.model);
    const actual = decision?.targets[0] ? formatTarget(decision.targets[0]) : 'refused';
    if (actual === test.expect) {
      passed++;
      return;
    }
    problems.push(
      configProblem(
        'CFG_ROUTING_TEST_FAILED',
        parsed.file,
        positionOf(parsed, ['tests', index, 'expect']),
        `routing test ${index + 1} (model "${test.model}"): expected ${test.expect}, got ${actual} ${explain(parsed, compiled, decision)}`,
      ),
    );
  });
  return { problems, passed };
}

function explain(parsed: ParsedConfigFile, compiled: CompiledProfile, decision: RouteDecision | undefined): string {
  if (!decision) return '(no rule matched and the profile has no default)';
  if (decision.rule === 'default') return '(from the default; no rule matched)';
  const line = positionOf(parsed, ['rules', decision.rule]).line;
  const field = compiled.rules[decision.rule]?.kind === 'regex' ? 'model_regex' : 'model';
  return `(matched by rule ${decision.rule + 1}, ${field} "${decision.match}", line ${line})`;
}

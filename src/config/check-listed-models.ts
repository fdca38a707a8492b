import { resolveRoute } from '../routing/resolve-route.js';
import { configProblem, type ConfigProblem } from './config-problem.js';
import type { ParsedConfigFile } from './parse-config-file.js';
import type { CompiledProfile } from './snapshot.js';
import type { ProfileFile } from './types.js';
import { positionOf } from './yaml-positions.js';

/**
 * Every `list_as` model must route to the rule that lists it, through the
 * same `resolveRoute` that serves requests: Claude Code offers the listed
 * names in its model picker and sends them back as they are, so a name the
 * rule's regex does not match, or one an earlier rule catches first, would
 * list a route that is not the one taken.
 */
export function checkListedModels(parsed: ParsedConfigFile, profile: ProfileFile, compiled: CompiledProfile): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  profile.rules.forEach((rule, index) => {
    (rule.list_as ?? []).forEach((listed, listedIndex) => {
      const decision = resolveRoute(compiled, listed.model);
      if (decision?.rule === index) return;
      const matcher = rule.model !== undefined ? `model "${rule.model}"` : `model_regex "${rule.model_regex}"`;
      const matches = rule.model !== undefined ? rule.model === listed.model : compiled.rules[index]!.regex!.test(listed.model);
      // A name the rule matches reaches at least this rule, so another rule number took it.
      const earlier = decision?.rule as number;
      const reason = matches ? `rule ${earlier + 1} (line ${positionOf(parsed, ['rules', earlier]).line}) matches it first` : `its ${matcher} does not match it`;
      problems.push(
        configProblem('CFG_LIST_AS_MISMATCH', parsed.file, positionOf(parsed, ['rules', index, 'list_as', listedIndex, 'model']), `list_as model "${listed.model}" of rule ${index + 1} does not route to rule ${index + 1}: ${reason}`),
      );
    });
  });
  return problems;
}

import path from 'node:path';
import { loadConfig } from '../config/load-config.js';
import { CommandError, exitStatus, formatOption, parseOptions, runReporting, snapshotOrProblems, stringOption, timeOption } from '../gitops/command-support.js';
import { GitRefError, loadConfigAtRef } from '../gitops/config-at-ref.js';
import type { ConfigSnapshot } from '../config/snapshot.js';
import { CostComparer, type CostReport } from '../gitops/cost-change.js';
import { formatPlan } from '../gitops/format-plan.js';
import { replayedTarget } from '../gitops/replay-traces.js';
import { modelsToCompare, planRouting, routingChanged } from '../gitops/routing-plan.js';
import { TraceReader } from '../traces/read-traces.js';
import type { Command } from './command.js';

const help = `Usage: switchboard plan [--base REF] [--config-dir DIR] [--format text|markdown|json]
                       [--traces DIR [--since TIME]]

Shows what a change to the config does to routing: the config in DIR as
committed at REF (default origin/main) against the working tree, compared
route by route, not line by line. For every key (and every profile it may
pick), and every model name the configs can see (exact rule names, routing
test models, and models seen in the traces folder when --traces is given),
it prints the routes that differ:

  key ci-agent, claude-sonnet-4-5: anthropic/claude-sonnet-4-5 -> deepseek/deepseek-reasoner

then providers, keys and profiles added or removed, providers whose format
or base_url changed, and keys that switched profile.

With --traces, it also prices the recorded traffic under both configs (each
line's usage at the price of the target each side routes it to) and prints
the cost per key and profile per day, before and after:

  key ci-agent (profile team): $12.40/day -> $53.60/day (+$41.20/day)

Options:
  --base REF        git revision to compare with (default: origin/main)
  --config-dir DIR  config folder in a git work tree (default: the current folder)
  --format FORMAT   text (default), markdown (a pull request comment) or json
  --traces DIR      also compare the models requested in these trace files,
                    and price that traffic under both configs
  --since TIME      with --traces: only requests since TIME (default: 7d;
                    ISO 8601, 30m, 1h, 2d, today)
  -h, --help        this help

Exit status: 0 no route changes, 2 some route changes, 1 an error (an
unknown REF, an invalid config on either side, bad options).
`;

export const planCommand: Command = {
  name: 'plan',
  summary: 'show how routing changes between a git revision and the working tree',
  help,
  run: (args) =>
    runReporting('plan', help, async () => {
      const values = parseOptions(args, {
        base: { type: 'string', default: 'origin/main' },
        'config-dir': { type: 'string', default: '.' },
        format: { type: 'string' },
        traces: { type: 'string' },
        since: { type: 'string' },
      });
      const format = formatOption(values);
      const dir = path.resolve(stringOption(values, 'config-dir')!);
      const baseRef = stringOption(values, 'base')!;
      const tracesDir = stringOption(values, 'traces');
      if (tracesDir === undefined && values.since !== undefined) throw new CommandError('--since needs --traces');
      const since = timeOption(values, 'since') ?? new Date(Date.now() - 7 * 24 * 3600_000);

      const [base, head] = await Promise.all([
        loadConfigAtRef(dir, baseRef).catch((error: unknown) => {
          throw error instanceof GitRefError ? new CommandError(error.message) : error;
        }),
        loadConfig(dir),
      ]);
      const before = snapshotOrProblems(base.result, `the config at ${baseRef}`, dir);
      const after = snapshotOrProblems(head, 'the working tree config', dir);
      const traced = tracesDir === undefined ? undefined : await readTraffic(path.resolve(tracesDir), since, before, after);
      const plan = planRouting(before, after, modelsToCompare([before, after], traced?.models ?? []));
      const sides = { base: `${baseRef} (${base.commit})`, head: after.commit === undefined ? 'working tree' : `working tree (${after.commit})` };
      process.stdout.write(formatPlan(plan, sides, format, traced?.cost));
      return routingChanged(plan) ? exitStatus.changed : exitStatus.unchanged;
    }),
};

/** The model names clients asked for since `since`, and what that traffic costs under each config. */
async function readTraffic(dir: string, since: Date, before: ConfigSnapshot, after: ConfigSnapshot): Promise<{ models: string[]; cost: CostReport }> {
  const models = new Set<string>();
  const cost = new CostComparer({ prices: before.prices, targetOf: (record) => replayedTarget(before, record) }, { prices: after.prices, targetOf: (record) => replayedTarget(after, record) });
  for await (const record of new TraceReader({ dir, since })) {
    if (record.model !== null) models.add(record.model);
    cost.add(record);
  }
  return { models: [...models], cost: cost.result() };
}

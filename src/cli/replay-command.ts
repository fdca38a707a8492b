import { stat } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../config/load-config.js';
import { CommandError, exitStatus, formatOption, parseOptions, runReporting, snapshotOrProblems, stringOption, timeOption } from '../gitops/command-support.js';
import { formatReplay } from '../gitops/format-replay.js';
import { CostComparer } from '../gitops/cost-change.js';
import { recordedTarget, replayChanged, replayedTarget, TraceReplayer } from '../gitops/replay-traces.js';
import { TraceReader } from '../traces/read-traces.js';
import { resolveTracesDir } from '../traces/resolve-traces-dir.js';
import type { Command } from './command.js';

const help = `Usage: switchboard replay [--traces DIR] [--since TIME] [--until TIME] [--config-dir DIR]
                         [--format text|markdown|json]

Re-routes recorded traffic through the working-tree config, offline (no
request is sent anywhere), and reports how many requests would go to
another first target, to which, which would now be refused, how many
tokens would move between providers (from each trace line's usage), and
what that traffic costs per day per key, as recorded and as re-routed
(both at the working tree's prices).

Every trace line with a key and a model is replayed with its key and
profile. The trace does not record whether the client picked the profile
with x-switchboard-profile: a recorded profile the key may still pick is
kept, otherwise the key's profile in the working tree is used.

Options:
  --traces DIR      trace folder: traces.jsonl and its rotated (and gzipped)
                    files (default: traces.dir of the config)
  --since TIME      only requests since TIME (ISO 8601, 30m, 1h, 2d, today)
  --until TIME      only requests until TIME
  --config-dir DIR  config folder (default: the current folder)
  --format FORMAT   text (default), markdown or json
  -h, --help        this help

Exit status: 0 every replayed request routes as it did, 2 some would route
differently (or be refused, or be served where they were refused), 1 an
error (invalid config, missing trace folder, bad options).
`;

export const replayCommand: Command = {
  name: 'replay',
  summary: 'replay recorded traffic through the working-tree config, offline',
  help,
  run: (args) =>
    runReporting('replay', help, async () => {
      const values = parseOptions(args, {
        traces: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        'config-dir': { type: 'string', default: '.' },
        format: { type: 'string' },
      });
      const format = formatOption(values);
      const since = timeOption(values, 'since');
      const until = timeOption(values, 'until');
      const dir = path.resolve(stringOption(values, 'config-dir')!);
      const tracesDir = await resolveTracesDir({ configDir: dir, tracesDir: stringOption(values, 'traces') });
      if (!(await stat(tracesDir).then((entry) => entry.isDirectory(), () => false))) throw new CommandError(`no trace folder at ${tracesDir}`);
      const snapshot = snapshotOrProblems(await loadConfig(dir), 'the working tree config', dir);

      const replayer = new TraceReplayer(snapshot);
      // Both sides at the working tree's prices, so the difference is the routing's alone.
      const cost = new CostComparer({ prices: snapshot.prices, targetOf: recordedTarget }, { prices: snapshot.prices, targetOf: (record) => replayedTarget(snapshot, record) });
      const reader = new TraceReader({ dir: tracesDir, since, until });
      for await (const record of reader) {
        replayer.add(record);
        cost.add(record);
      }
      if (reader.skippedLines > 0) process.stderr.write(`switchboard replay: skipped ${reader.skippedLines} incomplete or corrupt trace line${reader.skippedLines === 1 ? '' : 's'}\n`);
      const report = replayer.result();
      process.stdout.write(formatReplay(report, { tracesDir, since, configVersion: snapshot.version }, format, cost.result()));
      return replayChanged(report) ? exitStatus.changed : exitStatus.unchanged;
    }),
};

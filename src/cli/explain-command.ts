import path from 'node:path';
import { loadConfig } from '../config/load-config.js';
import { CommandError, exitStatus, parseOptions, runReporting, snapshotOrProblems, stringOption } from '../gitops/command-support.js';
import { explainRoute, formatExplanation } from '../gitops/explain-route.js';
import type { Command } from './command.js';

const help = `Usage: switchboard explain --key NAME --model MODEL [--profile NAME] [--config-dir DIR] [--format text|json]
       switchboard explain --profile NAME --model MODEL

Explains how the config in DIR routes one request: the profile used (the
key's own, or --profile as if sent in x-switchboard-profile), each rule
tried in order and why it matched or not, and the target chain with its
fallbacks, each with its provider's wire format and base URL.

Options:
  --key NAME        API key name from gateway.yaml
  --model MODEL     the model the client asks for
  --profile NAME    the profile to use (with --key: must be one the key may use)
  --config-dir DIR  config folder (default: the current folder)
  --format FORMAT   text (default) or json
  -h, --help        this help

Exit status: 0 the request would be routed, 2 it would be refused, 1 an
error (unknown key or profile, invalid config, bad options).
`;

export const explainCommand: Command = {
  name: 'explain',
  summary: 'show which profile, rule and targets serve a key and model',
  help,
  run: (args) =>
    runReporting('explain', help, async () => {
      const values = parseOptions(args, {
        key: { type: 'string' },
        model: { type: 'string' },
        profile: { type: 'string' },
        'config-dir': { type: 'string', default: '.' },
        format: { type: 'string', default: 'text' },
      });
      const model = stringOption(values, 'model');
      if (model === undefined) throw new CommandError('--model is required');
      const format = stringOption(values, 'format');
      if (format !== 'text' && format !== 'json') throw new CommandError(`--format must be text or json, not "${format}"`);
      const dir = path.resolve(stringOption(values, 'config-dir')!);
      const snapshot = snapshotOrProblems(await loadConfig(dir), 'the config', dir);
      const explanation = explainRoute(snapshot, { key: stringOption(values, 'key'), profile: stringOption(values, 'profile'), model });
      process.stdout.write(format === 'json' ? `${JSON.stringify({ config: snapshot.version, ...explanation }, null, 2)}\n` : formatExplanation(explanation));
      return explanation.refusal === undefined ? exitStatus.unchanged : exitStatus.changed;
    }),
};

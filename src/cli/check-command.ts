import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatProblems, loadConfig, type LoadResult } from '../config/load-config.js';
import type { ProblemFormat } from '../config/format-problems.js';
import type { Command } from './command.js';

const help = `Usage: switchboard check [--config-dir DIR] [--format text|github|json] [--strict]

Validates the config in DIR (gateway.yaml and profiles/*.yaml) exactly as
\`serve\` would load it: YAML syntax, the JSON Schema, references between
files, regex safety, shadowed rules, and every profile's routing tests.
Exits 1 when there is an error, 0 otherwise (warnings alone pass).

Options:
  --config-dir DIR  config folder (default: the current folder)
  --format FORMAT   text (default), github (annotations for GitHub Actions)
                    or json (an array of problems on stdout)
  --strict          treat unset \${ENV} references as errors
  -h, --help        this help
`;

const formats: readonly ProblemFormat[] = ['text', 'github', 'json'];

export const checkCommand: Command = {
  name: 'check',
  summary: 'validate the config folder and run its routing tests (for CI)',
  help,
  async run(args) {
    let values;
    try {
      ({ values } = parseArgs({
        args,
        options: {
          'config-dir': { type: 'string', default: '.' },
          format: { type: 'string', default: 'text' },
          strict: { type: 'boolean', default: false },
        },
        strict: true,
        allowPositionals: false,
      }));
    } catch (error) {
      return usageError(error instanceof Error ? error.message : String(error));
    }
    const format = values.format as ProblemFormat;
    if (!formats.includes(format)) return usageError(`--format must be one of ${formats.join(', ')}, not "${values.format}"`);
    const dir = path.resolve(values['config-dir']!);
    const result = await loadConfig(dir, { strict: values.strict === true });
    if (format === 'json') {
      process.stdout.write(formatProblems(result.problems, 'json', dir));
    } else {
      if (result.problems.length > 0) process.stdout.write(formatProblems(result.problems, format, dir));
      if (result.snapshot) process.stdout.write(`${successLine(result)}\n`);
    }
    return result.snapshot ? 0 : 1;
  },
};

function successLine(result: LoadResult): string {
  const { stats, snapshot } = result;
  const plural = (value: number, noun: string) => `${value} ${noun}${value === 1 ? '' : 's'}`;
  return [
    `ok: ${plural(stats.files, 'file')}`,
    plural(stats.providers, 'provider'),
    plural(stats.keys, 'key'),
    plural(stats.profiles, 'profile'),
    `${plural(stats.routingTestsPassed, 'routing test')} passed`,
    `version ${snapshot?.version ?? '?'}`,
  ].join(', ');
}

function usageError(message: string): number {
  process.stderr.write(`switchboard check: ${message}\n\n${help}`);
  return 2;
}

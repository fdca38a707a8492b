import { parseArgs, type ParseArgsConfig } from 'node:util';
import { formatProblems, type LoadResult } from '../config/load-config.js';
import type { ConfigSnapshot } from '../config/snapshot.js';
import { parseTimeArgument } from '../traces/trace-query.js';
import { reportFormats, type ReportFormat } from './format-plan.js';

/**
 * What plan, explain and replay share on the command line. Their exit
 * status: 0 nothing changes (or the model routes), 2 something does (or the
 * model is refused), 1 an error, bad options included; so a CI step can
 * tell "changed" from "broken".
 */
export const exitStatus = { unchanged: 0, error: 1, changed: 2 } as const;

/** A mistake in the command line or its input, reported as one line and exit status 1. */
export class CommandError extends Error {}

type Values = Record<string, string | boolean | undefined>;

/** `parseArgs` in strict mode, its errors turned into `CommandError`. */
export function parseOptions(args: string[], options: ParseArgsConfig['options']): Values {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values as Values;
  } catch (error) {
    throw new CommandError((error as Error).message);
  }
}

export function stringOption(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function formatOption(values: Values): ReportFormat {
  const format = stringOption(values, 'format') ?? 'text';
  if (!(reportFormats as readonly string[]).includes(format)) throw new CommandError(`--format must be one of ${reportFormats.join(', ')}, not "${format}"`);
  return format as ReportFormat;
}

export function timeOption(values: Values, name: string): Date | undefined {
  const text = stringOption(values, name);
  if (text === undefined) return undefined;
  try {
    return parseTimeArgument(text);
  } catch (error) {
    throw new CommandError(`--${name}: ${(error as Error).message}`);
  }
}

/** The snapshot of a load, or a `CommandError` that lists its problems the way `check` prints them. */
export function snapshotOrProblems(result: LoadResult, what: string, dir: string): ConfigSnapshot {
  if (result.snapshot) return result.snapshot;
  const errors = result.problems.filter((problem) => problem.severity === 'error');
  throw new CommandError(`${what} is invalid (${errors.length} error${errors.length === 1 ? '' : 's'}; \`switchboard check\` shows the same):\n${formatProblems(errors, 'text', dir).trimEnd()}`);
}

/**
 * Runs a command body, turning `CommandError` into its message on stderr and
 * exit status 1; anything else is a bug and propagates with its stack.
 */
export async function runReporting(command: string, help: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    process.stderr.write(`switchboard ${command}: ${error.message}\n${error.message.startsWith('Unknown option') || error.message.startsWith('Option') ? `\n${help}` : ''}`);
    return exitStatus.error;
  }
}

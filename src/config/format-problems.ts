import path from 'node:path';
import type { ConfigProblem } from './config-problem.js';

export type ProblemFormat = 'text' | 'github' | 'json';

/**
 * Renders problems for people (`text`), for GitHub Actions annotations on the
 * pull request diff (`github`), or for tools (`json`, an array of problems).
 * `text` and `json` name files relative to the config folder; `github` names
 * them relative to the working directory, because annotations only land on
 * the diff when the path is relative to the repository root the job runs in.
 */
export function formatProblems(problems: readonly ConfigProblem[], format: ProblemFormat, dir: string): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(problems, null, 2)}\n`;
    case 'github':
      return problems.map((problem) => `${githubLine(problem, dir)}\n`).join('') + `${formatProblemSummary(problems, dir)}\n`;
    case 'text':
      return problems.map((problem) => `${formatProblemLine(problem)}\n`).join('') + `${formatProblemSummary(problems, dir)}\n`;
    default:
      return assertNever(format);
  }
}

/** One problem as `file:line:col severity CODE message`. */
export function formatProblemLine(problem: ConfigProblem): string {
  return `${problem.file}:${problem.line}:${problem.column} ${problem.severity} ${problem.code} ${problem.message}`;
}

function githubLine(problem: ConfigProblem, dir: string): string {
  const file = path.relative(process.cwd(), path.resolve(dir, problem.file)).split(path.sep).join('/');
  const properties = `file=${escapeProperty(file)},line=${problem.line},col=${problem.column},title=${escapeProperty(problem.code)}`;
  return `::${problem.severity} ${properties}::${escapeData(problem.message)}`;
}

/** The count line under a list of problems: `0 errors, 3 warnings in DIR`. */
export function formatProblemSummary(problems: readonly ConfigProblem[], dir: string): string {
  const errors = problems.filter((problem) => problem.severity === 'error').length;
  const warnings = problems.length - errors;
  return `${count(errors, 'error')}, ${count(warnings, 'warning')} in ${dir}`;
}

function count(value: number, noun: string): string {
  return `${value} ${noun}${value === 1 ? '' : 's'}`;
}

/** Workflow-command escaping, as the GitHub Actions runner decodes it. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function assertNever(value: never): never {
  throw new Error(`unknown problem format: ${String(value)}`);
}

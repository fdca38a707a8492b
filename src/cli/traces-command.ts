import { parseArgs, type ParseArgsConfig } from 'node:util';
import { traceTableHeader, traceTableRow, formatStatsTable } from '../traces/format-trace-table.js';
import { followTraces, listTraceFiles, readTraceFile, TraceReader } from '../traces/read-traces.js';
import { renderTrace } from '../traces/render-trace.js';
import { resolveTracesDir } from '../traces/resolve-traces-dir.js';
import { matchesFilters, parseStatusFilter, parseTimeArgument, type TraceFilters } from '../traces/trace-query.js';
import type { TraceRecord, TraceRequestKind } from '../traces/trace-record.js';
import { statsGroupings, TraceStatsCollector, type StatsGrouping } from '../traces/trace-stats.js';
import type { Command } from './command.js';

const help = `Usage: switchboard traces <tail|search|show|stats> [options]

Reads the gateway's trace files: traces.jsonl and the rotated (and gzipped)
files beside it, oldest first. Incomplete or corrupt lines are skipped and
counted on stderr.

Where the traces are (every subcommand):
  --config-dir DIR   config folder; traces.dir of its gateway.yaml (default: .)
  --traces-dir DIR   the traces folder itself; overrides --config-dir

Output (tail, search, stats):
  --format table|jsonl   table (default on a terminal) or one JSON object per
                         line (default when piped, e.g. into jq)

switchboard traces tail [-n N] [-f]
  The last N requests (default 20). -f keeps printing new ones as they are
  written, across file rotations, until interrupted.

switchboard traces search [filters] [--limit N]
  Requests matching every filter given, oldest first; --limit keeps the N
  most recent matches.
  --key NAME        API key name
  --model NAME      requested or upstream model
  --provider NAME   provider
  --profile NAME    profile
  --session ID      Claude Code session / Codex conversation
  --agent ID        the (sub)agent that sent it: Claude Code agent id, Codex
                    agent path such as /root/worker_1
  --parent-agent ID requests of the agents that ID started
  --kind KIND       turn, compaction, prewarm, memory or auxiliary
  --status LIST     comma-separated: 200, 4xx, 5xx, error (4xx, 5xx or a
                    recorded error), ok
  --since TIME      ISO 8601 (2026-11-24, 2026-11-24T07:00Z), a duration ago
  --until TIME      (90s, 15m, 1h, 2d, 1w), today or yesterday (UTC)
  --grep TEXT       lines containing TEXT anywhere, bodies included

switchboard traces show ID [--full] [--format text|jsonl]
  One request rendered readably: routing, timings, usage, then the request
  (system, messages, tool calls and results) and the answer (reasoning,
  text, tool calls). ID may be any unique prefix, such as the 8 characters
  the table shows. --full prints long texts whole.

switchboard traces stats [--by key|profile|model|provider|session|agent|kind] [filters]
  Request count, error rate, latency p50/p95/p99, time to first token
  p50/p95, token totals and cost in US dollars (from each line's cost),
  overall or per group. Takes the search filters.

Examples:
  switchboard traces tail -f
  switchboard traces search --status error --since 1h
  switchboard traces search --session 9d8c7b6a-5f4e --format jsonl | jq .usage
  switchboard traces show 3f1c9a2e
  switchboard traces stats --since today --by model
  switchboard traces stats --session 9d8c7b6a-5f4e --by agent
  switchboard traces search --kind compaction --since 1d
  switchboard traces stats --by key --since 7d --format jsonl | jq '{key: .group, usd: .cost.usd}'
`;

const locationOptions = {
  'config-dir': { type: 'string' },
  'traces-dir': { type: 'string' },
} satisfies ParseArgsConfig['options'];

const filterOptions = {
  key: { type: 'string' },
  model: { type: 'string' },
  provider: { type: 'string' },
  profile: { type: 'string' },
  session: { type: 'string' },
  agent: { type: 'string' },
  'parent-agent': { type: 'string' },
  kind: { type: 'string' },
  status: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  grep: { type: 'string' },
} satisfies ParseArgsConfig['options'];

const requestKinds: readonly TraceRequestKind[] = ['turn', 'compaction', 'prewarm', 'memory', 'auxiliary'];

class UsageError extends Error {}

export const tracesCommand: Command = {
  name: 'traces',
  summary: 'tail, search, show and summarize the trace files',
  help,
  async run(args) {
    const [subcommand, ...rest] = args;
    process.stdout.on('error', endOnClosedPipe);
    try {
      switch (subcommand) {
        case 'tail':
          return await tail(rest);
        case 'search':
          return await search(rest);
        case 'show':
          return await show(rest);
        case 'stats':
          return await stats(rest);
        case undefined:
          throw new UsageError('a subcommand is needed: tail, search, show or stats');
        default:
          throw new UsageError(`unknown subcommand "${subcommand}"`);
      }
    } catch (error) {
      if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
        process.stderr.write(`switchboard traces: ${(error as Error).message}\n\nRun \`switchboard traces --help\` for the options.\n`);
        return 2;
      }
      throw error;
    }
  },
};

// ---------------------------------------------------------------- subcommands

async function tail(args: string[]): Promise<number> {
  const { values } = parse(args, { ...locationOptions, format: { type: 'string' }, lines: { type: 'string', short: 'n' }, follow: { type: 'boolean', short: 'f' } });
  const dir = await resolveTracesDir({ configDir: text(values['config-dir']), tracesDir: text(values['traces-dir']) });
  const count = positiveInteger(text(values.lines) ?? '20', '-n');
  const print = printer(outputFormat(text(values.format)));
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let skipped = 0;
  const last: TraceRecord[] = [];
  let caughtUp = false;
  try {
    const current = followTraces(dir, {
      fromStart: true,
      follow: values.follow === true,
      signal: controller.signal,
      onSkip: () => skipped++,
      onCaughtUp: async () => {
        const earlier = await lastRecordsOfRotatedFiles(dir, count - last.length, () => skipped++);
        for (const record of [...earlier, ...last]) await print(record);
        caughtUp = true;
      },
    });
    for await (const record of current) {
      if (caughtUp) {
        await print(record);
        continue;
      }
      last.push(record);
      if (last.length > count) last.shift();
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  reportSkipped(skipped);
  return 0;
}

async function search(args: string[]): Promise<number> {
  const { values } = parse(args, { ...locationOptions, ...filterOptions, format: { type: 'string' }, limit: { type: 'string' } });
  const query = await readQuery(values);
  const print = printer(outputFormat(text(values.format)));
  const limitText = text(values.limit);
  const limit = limitText === undefined ? undefined : positiveInteger(limitText, '--limit');
  const kept: TraceRecord[] = [];
  for await (const record of query.reader) {
    if (!matchesFilters(record, query.filters)) continue;
    if (limit === undefined) {
      await print(record);
      continue;
    }
    kept.push(record);
    if (kept.length > limit) kept.shift();
  }
  for (const record of kept) await print(record);
  reportSkipped(query.reader.skippedLines);
  return 0;
}

async function show(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { ...locationOptions, full: { type: 'boolean' }, format: { type: 'string' } }, true);
  const [id] = positionals;
  if (id === undefined || positionals.length > 1) throw new UsageError('show takes one request id (or a unique prefix of one)');
  if (text(values.format) !== undefined && text(values.format) !== 'text' && text(values.format) !== 'jsonl') throw new UsageError('--format for show is text or jsonl');
  const dir = await resolveTracesDir({ configDir: text(values['config-dir']), tracesDir: text(values['traces-dir']) });
  const needle = `"id":${JSON.stringify(id).slice(0, -1)}`;
  const reader = new TraceReader({ dir, lineFilter: (line) => line.includes(needle) });
  const matches = new Map<string, TraceRecord>();
  for await (const record of reader) if (record.id.startsWith(id)) matches.set(record.id, record);
  reportSkipped(reader.skippedLines);
  if (matches.size === 0) {
    process.stderr.write(`switchboard traces: no request with id ${id} in ${dir}\n`);
    return 1;
  }
  if (matches.size > 1) {
    process.stderr.write(`switchboard traces: ${matches.size} requests have ids starting with ${id}:\n${[...matches.keys()].map((match) => `  ${match}\n`).join('')}`);
    return 1;
  }
  const record = [...matches.values()][0]!;
  await write(text(values.format) === 'jsonl' ? `${JSON.stringify(record)}\n` : renderTrace(record, { full: values.full === true }));
  return 0;
}

async function stats(args: string[]): Promise<number> {
  const { values } = parse(args, { ...locationOptions, ...filterOptions, by: { type: 'string' }, format: { type: 'string' } });
  const by = text(values.by) as StatsGrouping | undefined;
  if (by !== undefined && !statsGroupings.includes(by)) throw new UsageError(`--by must be one of ${statsGroupings.join(', ')}`);
  const format = outputFormat(text(values.format));
  const query = await readQuery(values);
  const collector = new TraceStatsCollector(by);
  for await (const record of query.reader) if (matchesFilters(record, query.filters)) collector.add(record);
  const result = collector.result();
  if (format === 'jsonl') await write(result.map((group) => `${JSON.stringify(by === undefined ? group : { by, ...group })}\n`).join(''));
  else await write(result.length === 0 ? 'no requests\n' : formatStatsTable(result, by));
  reportSkipped(query.reader.skippedLines);
  return 0;
}

// ---------------------------------------------------------------- helpers

/** Option values: strings for string options, `true` for flags given. */
type Values = Record<string, string | boolean | undefined>;

function parse(args: string[], options: ParseArgsConfig['options'], allowPositionals = false): { values: Values; positionals: string[] } {
  const { values, positionals } = parseArgs({ args, options, strict: true, allowPositionals });
  return { values: values as Values, positionals };
}

function text(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

async function readQuery(values: Values): Promise<{ reader: TraceReader; filters: TraceFilters }> {
  const dir = await resolveTracesDir({ configDir: text(values['config-dir']), tracesDir: text(values['traces-dir']) });
  const since = time(text(values.since), '--since');
  const until = time(text(values.until), '--until');
  const grep = text(values.grep);
  const filters: TraceFilters = {};
  for (const field of ['key', 'model', 'provider', 'profile', 'session', 'agent', 'kind'] as const) {
    const value = text(values[field]);
    if (value !== undefined) filters[field] = value;
  }
  const parentAgent = text(values['parent-agent']);
  if (parentAgent !== undefined) filters.parentAgent = parentAgent;
  if (filters.kind !== undefined && !requestKinds.includes(filters.kind as TraceRequestKind)) throw new UsageError(`--kind must be one of ${requestKinds.join(', ')}`);
  const status = text(values.status);
  if (status !== undefined) {
    try {
      filters.status = parseStatusFilter(status);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  const reader = new TraceReader({ dir, since, until, ...(grep === undefined ? {} : { lineFilter: (line: string) => line.includes(grep) }) });
  return { reader, filters };
}

/** The last `count` records of the rotated files, reading newest files first and only as many as needed. */
async function lastRecordsOfRotatedFiles(dir: string, count: number, onSkip: () => void): Promise<TraceRecord[]> {
  if (count <= 0) return [];
  const rotated = (await listTraceFiles(dir)).slice(0, -1).reverse();
  const collected: TraceRecord[] = [];
  for (const file of rotated) {
    const records: TraceRecord[] = [];
    for await (const record of readTraceFile(file, { onSkip })) records.push(record);
    collected.unshift(...records.slice(-(count - collected.length)));
    if (collected.length >= count) break;
  }
  return collected;
}

function outputFormat(value: string | undefined): 'table' | 'jsonl' {
  if (value === undefined) return process.stdout.isTTY ? 'table' : 'jsonl';
  if (value === 'table' || value === 'jsonl') return value;
  throw new UsageError(`--format must be table or jsonl, not "${value}"`);
}

/** Prints records as table rows (with a header first) or as JSON lines. */
function printer(format: 'table' | 'jsonl'): (record: TraceRecord) => Promise<void> {
  let headed = false;
  return async (record) => {
    if (format === 'jsonl') return write(`${JSON.stringify(record)}\n`);
    const head = headed ? '' : `${traceTableHeader()}\n`;
    headed = true;
    return write(`${head}${traceTableRow(record)}\n`);
  };
}

/** Writes to stdout, waiting when the reader (a pager, jq) is slower; a closed pipe (`| head`) ends the process quietly. */
function write(text: string): Promise<void> {
  if (process.stdout.write(text)) return Promise.resolve();
  return new Promise((resolve) => process.stdout.once('drain', resolve));
}

function endOnClosedPipe(error: NodeJS.ErrnoException): void {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
}

function reportSkipped(count: number): void {
  if (count > 0) process.stderr.write(`switchboard traces: skipped ${count} incomplete or corrupt line${count === 1 ? '' : 's'}\n`);
}

function time(value: string | undefined, option: string): Date | undefined {
  if (value === undefined) return undefined;
  try {
    return parseTimeArgument(value);
  } catch (error) {
    throw new UsageError(`${option}: ${(error as Error).message}`);
  }
}

function positiveInteger(text: string, option: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new UsageError(`${option} needs a whole number, not "${text}"`);
  return value;
}

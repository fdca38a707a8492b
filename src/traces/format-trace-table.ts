import { formatDuration } from './render-trace.js';
import type { TraceStats } from './trace-stats.js';
import type { TraceRecord } from './trace-record.js';

/** Fixed widths, so `tail -f` rows line up without knowing the rows to come. */
const columns = [
  { title: 'TIME (UTC)', width: 19 },
  { title: 'ID', width: 8 },
  { title: 'KEY', width: 12 },
  { title: 'MODEL -> PROVIDER/UPSTREAM', width: 52 },
  { title: 'STATUS', width: 6 },
  { title: 'DURATION', width: 10 },
  { title: 'TOKENS IN/OUT', width: 0 },
] as const;

export function traceTableHeader(): string {
  return formatRow(columns.map((column) => column.title));
}

/** One compact row: time, short id (enough for `traces show`), key, route, status, duration, tokens. */
export function traceTableRow(record: TraceRecord): string {
  const route = `${record.model ?? '?'} -> ${record.provider ? `${record.provider}/${record.upstream_model ?? '?'}` : '-'}`;
  const status = record.error && record.status < 400 ? `${record.status}!` : String(record.status);
  const tokens = record.usage ? `${compactNumber(record.usage.input)}/${compactNumber(record.usage.output)}` : '-';
  return formatRow([record.ts.replace('T', ' ').slice(0, 19), record.id.slice(0, 8), record.key ?? '-', route, status, formatDuration(record.duration_ms), tokens]);
}

function formatRow(cells: readonly string[]): string {
  return cells
    .map((cell, index) => {
      const width = columns[index]!.width;
      if (width === 0) return cell;
      return cell.length > width ? `${cell.slice(0, width - 1)}…` : cell.padEnd(width);
    })
    .join('  ')
    .trimEnd();
}

/** `traces stats` as a table: one row per group. */
export function formatStatsTable(stats: TraceStats[], by: string | undefined): string {
  const head = [by ?? '', 'REQUESTS', 'ERRORS', 'LATENCY p50/p95/p99', 'TTFT p50/p95', 'TOKENS in/out/cache-read/cache-write/reasoning', 'COST'];
  const rows = stats.map((group) => [
    group.group,
    String(group.requests),
    `${group.errors} (${(group.errorRate * 100).toFixed(1)}%)`,
    group.latencyMs ? `${formatDuration(group.latencyMs.p50)} / ${formatDuration(group.latencyMs.p95)} / ${formatDuration(group.latencyMs.p99)}` : '-',
    group.ttftMs ? `${formatDuration(group.ttftMs.p50)} / ${formatDuration(group.ttftMs.p95)}` : '-',
    [group.tokens.input, group.tokens.output, group.tokens.cacheRead, group.tokens.cacheWrite, group.tokens.reasoning].map(compactNumber).join(' / '),
    `${formatUsd(group.cost.usd)}${group.cost.unpriced > 0 ? ` (+${group.cost.unpriced} unpriced)` : ''}`,
  ]);
  const table = by === undefined ? [head.slice(1), ...rows.map((row) => row.slice(1))] : [head.map((cell, index) => (index === 0 ? cell.toUpperCase() : cell)), ...rows];
  const widths = table[0]!.map((_, index) => Math.max(...table.map((row) => row[index]!.length)));
  return `${table.map((row) => row.map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index]!))).join('  ')).join('\n')}\n`;
}

/** `$41.20`; amounts under a dollar keep four decimals (`$0.0390`) so small requests do not read as free. */
export function formatUsd(usd: number): string {
  const sign = usd < 0 ? '-' : '';
  const amount = Math.abs(usd);
  return `${sign}$${amount >= 1 || amount === 0 ? amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : amount.toFixed(4)}`;
}

/** 950, 12.3k, 4.56M. */
export function compactNumber(value: number): string {
  if (value < 1000) return String(value);
  if (value < 1_000_000) return `${(value / 1000).toFixed(value < 10_000 ? 2 : 1)}k`;
  return `${(value / 1_000_000).toFixed(2)}M`;
}

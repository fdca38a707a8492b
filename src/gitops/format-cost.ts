import { formatUsd } from '../traces/format-trace-table.js';
import { costChanged, perDay, type CostReport, type CostRow } from './cost-change.js';

/** How many keys get a headline of their own in a pull request comment. */
const headlineKeys = 5;

/** `+$41.20/day`, `-$3.10/day`, `±$0.00/day`. */
export function formatDailyChange(usdPerDay: number): string {
  const cents = Math.round(usdPerDay * 100) / 100;
  if (cents === 0) return `±${formatUsd(0)}/day`;
  return `${cents > 0 ? '+' : '-'}${formatUsd(Math.abs(usdPerDay))}/day`;
}

function owner(row: CostRow): string {
  return `key ${row.key}${row.profile ? ` (profile ${row.profile})` : ''}`;
}

function daily(report: CostReport, usd: number): string {
  return `${formatUsd(perDay(report, usd))}/day`;
}

function scope(report: CostReport): string {
  if (!report.span) return 'no recorded request with usage to price';
  const days = report.span.days < 1 ? `${(report.span.days * 24).toFixed(1)} hours` : `${report.span.days.toFixed(1)} days`;
  return `${report.total.requests.toLocaleString('en-US')} recorded requests over ${days} (${report.span.first} to ${report.span.last}), each line's usage at each side's prices`;
}

function unpricedNote(report: CostReport): string | undefined {
  const before = report.rows.reduce((total, row) => total + row.unpriced.before, 0);
  const after = report.rows.reduce((total, row) => total + row.unpriced.after, 0);
  if (before + after === 0) return undefined;
  return `${before} request${before === 1 ? '' : 's'} before and ${after} after went to targets without a price and count as free (add them to pricing.models).`;
}

/** The cost section of plan and replay as text lines. */
export function costTextLines(report: CostReport): string[] {
  const lines = [`Cost: ${scope(report)}:`];
  for (const row of report.rows) {
    lines.push(`  ${owner(row)}: ${daily(report, row.before)} -> ${daily(report, row.after)} (${formatDailyChange(perDay(report, row.after - row.before))}), ${row.requests.toLocaleString('en-US')} requests`);
  }
  if (report.rows.length > 1) lines.push(`  all keys: ${daily(report, report.total.before)} -> ${daily(report, report.total.after)} (${formatDailyChange(perDay(report, report.total.after - report.total.before))})`);
  const note = unpricedNote(report);
  if (note) lines.push(`  ${note}`);
  return lines;
}

/** The cost section as Markdown: a bold line per key whose cost changes most, then a table. */
export function costMarkdownLines(report: CostReport): string[] {
  const lines = ['#### Cost of the recorded traffic', ''];
  const changed = report.rows.filter((row) => Math.round(perDay(report, row.after - row.before) * 100) !== 0);
  for (const row of changed.slice(0, headlineKeys)) lines.push(`**${formatDailyChange(perDay(report, row.after - row.before))} for key ${row.key}**${row.profile ? ` (profile ${row.profile})` : ''}  `);
  if (!costChanged(report) || changed.length === 0) lines.push('No change in cost per day.  ');
  lines.push('', `<sub>${scope(report)}.</sub>`, '');
  if (report.rows.length > 0) {
    lines.push('| key | profile | requests | before | after | change |', '|---|---|--:|--:|--:|--:|');
    for (const row of report.rows) {
      lines.push(`| ${row.key} | ${row.profile} | ${row.requests.toLocaleString('en-US')} | ${daily(report, row.before)} | ${daily(report, row.after)} | ${formatDailyChange(perDay(report, row.after - row.before))} |`);
    }
    if (report.rows.length > 1) {
      lines.push(`| **all keys** | | ${report.total.requests.toLocaleString('en-US')} | ${daily(report, report.total.before)} | ${daily(report, report.total.after)} | ${formatDailyChange(perDay(report, report.total.after - report.total.before))} |`);
    }
    lines.push('');
  }
  const note = unpricedNote(report);
  if (note) lines.push(note, '');
  return lines;
}

/** The cost report with per-day figures, for jq. */
export function costJson(cost: CostReport): Record<string, unknown> {
  const daily = (usd: number): number => Math.round(perDay(cost, usd) * 1e6) / 1e6;
  return {
    ...cost,
    rows: cost.rows.map((row) => ({ ...row, before_per_day: daily(row.before), after_per_day: daily(row.after), change_per_day: daily(row.after - row.before) })),
    total: { ...cost.total, before_per_day: daily(cost.total.before), after_per_day: daily(cost.total.after), change_per_day: daily(cost.total.after - cost.total.before) },
  };
}

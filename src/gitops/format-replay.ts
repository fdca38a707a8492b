import type { CostReport } from './cost-change.js';
import { costJson, costMarkdownLines, costTextLines } from './format-cost.js';
import type { ReportFormat } from './format-plan.js';
import type { ReplayMove, ReplayReport } from './replay-traces.js';

/** Where the replayed traffic came from and what it was replayed through. */
export interface ReplayContext {
  tracesDir: string;
  since?: Date | undefined;
  configVersion: string;
}

export function formatReplay(report: ReplayReport, context: ReplayContext, format: ReportFormat, cost: CostReport): string {
  switch (format) {
    case 'text':
      return `${replayText(report, context)}\n${costTextLines(cost).join('\n')}\n`;
    case 'markdown':
      return `${replayMarkdown(report, context)}${costMarkdownLines(cost).join('\n')}\n`;
    case 'json':
      return `${JSON.stringify({ traces: context.tracesDir, since: context.since?.toISOString() ?? null, config: context.configVersion, ...report, cost: costJson(cost) }, null, 2)}\n`;
    default: {
      const unreachable: never = format;
      throw new Error(`unknown format ${String(unreachable)}`);
    }
  }
}

function headline(report: ReplayReport, context: ReplayContext): string[] {
  const range = context.since === undefined ? '' : ` since ${context.since.toISOString()}`;
  const skipped = report.skipped.unauthenticated + report.skipped.not_routed + report.skipped.no_model;
  return [
    `Replayed ${count(report.replayed)} of ${count(report.requests)} recorded requests${range} through config ${context.configVersion}:`,
    `${count(report.unchanged)} unchanged, ${count(report.moved)} moved to another target, ${count(report.now_refused)} now refused, ${count(report.now_routed)} now served that were refused` +
      (skipped > 0 ? ` (not replayed: ${report.skipped.unauthenticated} unauthenticated, ${report.skipped.not_routed} never routed, ${report.skipped.no_model} without a model)` : ''),
  ];
}

function replayText(report: ReplayReport, context: ReplayContext): string {
  const lines = [...headline(report, context)];
  if (report.moves.length > 0) {
    lines.push('', 'Would route differently (first target before -> after):');
    for (const move of report.moves) lines.push(`  ${move.from} -> ${move.to}: ${requests(move)}, ${tokens(move)}`);
  }
  if (report.refusals.length > 0) {
    lines.push('', 'Would now be refused:');
    for (const refusal of report.refusals) lines.push(`  key ${refusal.key}, ${refusal.model} (profile ${refusal.profile}): ${refusal.reason}, ${requests(refusal)}`);
  }
  if (report.provider_tokens.length > 0) {
    lines.push('', 'Token volume moved between providers:');
    for (const move of report.provider_tokens) lines.push(`  ${move.from} -> ${move.to}: ${tokens(move)} (${requests(move)})`);
  }
  return `${lines.join('\n')}\n`;
}

function replayMarkdown(report: ReplayReport, context: ReplayContext): string {
  const lines = ['### Switchboard replay', '', ...headline(report, context).map((line) => `${line}  `), ''];
  if (report.moves.length > 0) {
    lines.push('| before | after | requests | input tokens | output tokens |', '|---|---|--:|--:|--:|');
    for (const move of report.moves) lines.push(`| \`${move.from}\` | \`${move.to}\` | ${count(move.requests)} | ${count(move.tokens.input)} | ${count(move.tokens.output)} |`);
    lines.push('');
  }
  if (report.refusals.length > 0) {
    lines.push('| now refused: key | profile | model | reason | requests |', '|---|---|---|---|--:|');
    for (const refusal of report.refusals) lines.push(`| ${refusal.key} | ${refusal.profile} | \`${refusal.model}\` | ${refusal.reason} | ${count(refusal.requests)} |`);
    lines.push('');
  }
  if (report.provider_tokens.length > 0) {
    lines.push('| tokens from provider | to | input | output |', '|---|---|--:|--:|');
    for (const move of report.provider_tokens) lines.push(`| ${move.from} | ${move.to} | ${count(move.tokens.input)} | ${count(move.tokens.output)} |`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}

function requests(entry: { requests: number }): string {
  return `${count(entry.requests)} request${entry.requests === 1 ? '' : 's'}`;
}

function tokens(move: ReplayMove): string {
  return `${count(move.tokens.input)} input + ${count(move.tokens.output)} output tokens`;
}

import type { CostReport } from './cost-change.js';
import { costJson, costMarkdownLines, costTextLines } from './format-cost.js';
import { describeOutcome } from './route-outcome.js';
import { describeChange, routingChanged, type RoutingPlan } from './routing-plan.js';

export type ReportFormat = 'text' | 'markdown' | 'json';
export const reportFormats: readonly ReportFormat[] = ['text', 'markdown', 'json'];

/** The two sides of a plan, for its headline. */
export interface PlanSides {
  /** `origin/main (1a2b3c4)` */
  base: string;
  /** `working tree (5d6e7f8)` */
  head: string;
}

/** `cost`: the traced traffic priced under both sides, when the plan read traces. */
export function formatPlan(plan: RoutingPlan, sides: PlanSides, format: ReportFormat, cost?: CostReport): string {
  switch (format) {
    case 'text':
      return planText(plan, sides, cost);
    case 'markdown':
      return planMarkdown(plan, sides, cost);
    case 'json':
      return `${JSON.stringify({ base: sides.base, head: sides.head, routing_changed: routingChanged(plan), ...plan, ...(cost ? { cost: costJson(cost) } : {}) }, null, 2)}\n`;
    default: {
      const unreachable: never = format;
      throw new Error(`unknown format ${String(unreachable)}`);
    }
  }
}

/** One line per change of the config's inventory: providers, keys, profiles, key profile switches. */
function inventoryLines(plan: RoutingPlan): string[] {
  const lines: string[] = [];
  const list = (names: string[]): string => names.join(', ');
  for (const [noun, added, removed] of [
    ['provider', plan.providers.added, plan.providers.removed],
    ['key', plan.keys.added, plan.keys.removed],
    ['profile', plan.profiles.added, plan.profiles.removed],
  ] as const) {
    if (added.length > 0) lines.push(`${noun}${added.length > 1 ? 's' : ''} added: ${list(added)}`);
    if (removed.length > 0) lines.push(`${noun}${removed.length > 1 ? 's' : ''} removed: ${list(removed)}`);
  }
  for (const provider of plan.providers.changed) lines.push(`provider ${provider.name} changed: ${provider.fields.join(', ')}`);
  for (const moved of plan.keyProfileSwitches) lines.push(`key ${moved.key} switched profile: ${moved.before} -> ${moved.after}`);
  return lines;
}

function summary(plan: RoutingPlan): string {
  const keys = new Set(plan.changes.map((change) => change.key));
  const checked = `${plan.compared} key/profile/model combinations checked over ${plan.models.length} model names`;
  if (!routingChanged(plan)) return `No routing change (${checked}).`;
  const routes = `${plan.changes.length} route${plan.changes.length === 1 ? '' : 's'}`;
  return `${routes} change for ${keys.size} key${keys.size === 1 ? '' : 's'} (${checked}).`;
}

function planText(plan: RoutingPlan, sides: PlanSides, cost: CostReport | undefined): string {
  const lines = [`Routing plan: ${sides.base} -> ${sides.head}`, ''];
  if (plan.changes.length > 0) {
    lines.push('Route changes:');
    for (const change of plan.changes) lines.push(`  ${describeChange(change)}`);
    lines.push('');
  }
  const inventory = inventoryLines(plan);
  if (inventory.length > 0) {
    lines.push('Config changes:');
    for (const line of inventory) lines.push(`  ${line}`);
    lines.push('');
  }
  if (cost) lines.push(...costTextLines(cost), '');
  lines.push(summary(plan));
  return `${lines.join('\n')}\n`;
}

function planMarkdown(plan: RoutingPlan, sides: PlanSides, cost: CostReport | undefined): string {
  const lines = ['### Switchboard routing plan', '', `\`${sides.base}\` → \`${sides.head}\`: ${summary(plan)}`, ''];
  // The cost is what a reviewer weighs first: it goes above the route table.
  if (cost) lines.push(...costMarkdownLines(cost));
  if (plan.changes.length > 0) {
    lines.push('| key | model | before | after |', '|---|---|---|---|');
    for (const change of plan.changes) {
      const key = change.active ? change.key : `${change.key} (profile ${change.profile})`;
      lines.push(`| ${cell(key)} | ${cell(change.model)} | ${cell(describeOutcome(change.before))} | ${cell(describeOutcome(change.after))} |`);
    }
    lines.push('');
  }
  const inventory = inventoryLines(plan);
  if (inventory.length > 0) {
    for (const line of inventory) lines.push(`- ${escapeMarkdown(line)}`);
    lines.push('');
  }
  if (plan.changes.length > 0) {
    lines.push('<details><summary>Changes as text</summary>', '', '```', ...plan.changes.map(describeChange), '```', '</details>', '');
  }
  lines.push(`<sub>Models compared: ${plan.models.map((model) => `\`${model}\``).join(', ') || 'none'}. Exact rules, routing tests and traced models are compared; add a routing test to cover a regex rule.</sub>`);
  return `${lines.join('\n')}\n`;
}

/** A table cell in code style; pipes would end the cell. */
function cell(text: string): string {
  return `\`${text.replace(/\|/g, '\\|').replace(/`/g, "'")}\``;
}

function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>|])/g, '\\$1');
}

import type { IndexedLine } from '../../traces/index-segment.js';
import { consoleUrl, html, type SafeHtml } from '../html.js';
import type { TimelineEntry } from '../trace-queries.js';
import { formatClock, formatCost, formatCount, formatMs, formatTime, shortId } from './format.js';
import { routeCell, statusCell } from './request-list.js';

/** One conversation as a timeline: each request with its route, tokens, cost, latency and status; subagents nested under the request that started them. */
export function sessionView(options: { session: string; requests: IndexedLine[]; timeline: TimelineEntry[] }): SafeHtml {
  const { requests } = options;
  if (requests.length === 0) return html`<h1>Session <code>${options.session}</code></h1><p class="empty">No indexed request carries this session id.</p>`;
  const sum = (pick: (line: IndexedLine) => number): number => requests.reduce((total, line) => total + pick(line), 0);
  const costed = requests.filter((line) => line.costUsd !== null);
  const first = requests[0]!;
  const last = requests[requests.length - 1]!;
  return html`<h1>Session <code>${options.session}</code></h1>
<dl class="facts">
  <dt>Key</dt><dd>${first.text.key ?? '–'}</dd>
  <dt>From</dt><dd>${formatTime(first.tsMs)} to ${formatTime(last.tsMs)} UTC</dd>
  <dt>Requests</dt><dd>${formatCount(requests.length)} (${formatCount(requests.filter((line) => line.status >= 400 || line.error).length)} failed)</dd>
  <dt>Tokens</dt><dd>${formatCount(sum((line) => line.inputTokens))} in, ${formatCount(sum((line) => line.outputTokens))} out</dd>
  <dt>Cost</dt><dd>${costed.length === 0 ? '–' : formatCost(costed.reduce((total, line) => total + line.costUsd!, 0))}</dd>
</dl>
<p><a href="${consoleUrl('/ui/requests', { session: options.session })}">These requests in the search, with charts</a></p>
<ol class="timeline">${options.timeline.map(timelineItem)}</ol>`;
}

function timelineItem(entry: TimelineEntry): SafeHtml {
  const line = entry.request;
  const kind = line.text.kind !== null && line.text.kind !== 'turn' ? html` <span class="badge">${line.text.kind}</span>` : '';
  return html`<li class="timeline-entry" data-id="${line.id}">
  <div class="entry">
    <span class="clock">${formatClock(line.tsMs)}</span> ${statusCell(line)}${kind}
    <span class="route">${routeCell(line)}</span>
    <span class="figures">${formatCount(line.inputTokens)} in / ${formatCount(line.outputTokens)} out · ${formatCost(line.costUsd)} · ${formatMs(line.durationMs)}${line.ttftMs === null ? '' : html` (first token ${formatMs(line.ttftMs)})`}</span>
    <a href="/ui/requests/${encodeURIComponent(line.id)}"><code>${shortId(line.id)}</code></a>
  </div>
  ${entry.children.map(
    (child) => html`<details class="subagent" open><summary>Subagent <code>${child.agent}</code>: ${child.entries.length} request${child.entries.length === 1 ? '' : 's'}</summary>
    <ol class="timeline">${child.entries.map(timelineItem)}</ol>
  </details>`,
  )}
</li>`;
}

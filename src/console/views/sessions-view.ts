import type { IndexCoverage } from '../../traces/trace-index.js';
import { consoleUrl, html, type SafeHtml } from '../html.js';
import type { ConsoleFilters, SessionSummary } from '../trace-queries.js';
import { formatCost, formatCount, formatTime, shortId } from './format.js';
import { coverageNote, filterForm, type FilterChoices } from './request-list.js';

/** Claude Code and Codex conversations, most recently active first. */
export function sessionsView(options: { sessions: SessionSummary[]; total: number; filters: ConsoleFilters; choices: FilterChoices; problems: string[]; coverage: IndexCoverage }): SafeHtml {
  const { sessions } = options;
  const rows = sessions.map(
    (session) => html`<tr class="session-row">
    <td><a href="${consoleUrl(`/ui/sessions/${encodeURIComponent(session.session)}`)}"><code>${shortId(session.session)}</code></a></td>
    <td>${session.key ?? '–'}</td><td>${formatTime(session.first)}</td><td>${formatTime(session.last)}</td>
    <td class="num">${formatCount(session.requests)}</td><td class="num">${session.errors > 0 ? html`<span class="status bad">${session.errors}</span>` : '0'}</td>
    <td class="num">${formatCount(session.inputTokens)} / ${formatCount(session.outputTokens)}</td><td class="num">${formatCost(session.costUsd)}</td>
    <td>${session.models.slice(0, 3).join(', ')}${session.models.length > 3 ? ` +${session.models.length - 3}` : ''}</td>
    <td class="num">${session.subagents}</td>
  </tr>`,
  );
  return html`<h1>Sessions</h1>
<p class="muted">Claude Code sessions and Codex conversations, by the session id their requests carry.</p>
${filterForm('/ui/sessions', options.filters, options.choices, options.problems)}
${sessions.length === 0
  ? html`<p class="empty">No sessions match.</p>`
  : html`<table class="sessions">
  <thead><tr><th>Session</th><th>Key</th><th>First (UTC)</th><th>Last</th><th class="num">Requests</th><th class="num">Errors</th><th class="num">Tokens in/out</th><th class="num">Cost</th><th>Models</th><th class="num">Subagents</th></tr></thead>
  <tbody>${rows}</tbody>
</table>`}
${options.total > sessions.length ? html`<p class="muted">Showing the ${sessions.length} most recently active of ${formatCount(options.total)} sessions; narrow the filters to see others.</p>` : ''}
${coverageNote(options.coverage)}`;
}

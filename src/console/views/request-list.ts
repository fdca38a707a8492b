import type { IndexedLine } from '../../traces/index-segment.js';
import type { IndexCoverage } from '../../traces/trace-index.js';
import { consoleUrl, html, type SafeHtml } from '../html.js';
import { filterFields, type ConsoleFilters } from '../trace-queries.js';
import { formatCost, formatCount, formatMs, formatTime, shortId } from './format.js';

/** Values offered in the filter fields (from the running config). */
export interface FilterChoices {
  keys: string[];
  profiles: string[];
  providers: string[];
}

const fieldLabels: Record<(typeof filterFields)[number], string> = {
  key: 'Key',
  profile: 'Profile',
  model: 'Model',
  provider: 'Provider',
  status: 'Status',
  session: 'Session',
  agent: 'Agent',
  since: 'Since',
  until: 'Until',
};

const placeholders: Partial<Record<(typeof filterFields)[number], string>> = {
  status: '200, 4xx, error, ok',
  since: '1h, 2d, 2026-11-24',
  until: 'now, today',
};

/** The search form: the filters of `switchboard traces search`, as GET fields so a filtered view is a link to share. */
export function filterForm(action: string, filters: ConsoleFilters, choices: FilterChoices, problems: string[]): SafeHtml {
  const lists: Partial<Record<(typeof filterFields)[number], string[]>> = { key: choices.keys, profile: choices.profiles, provider: choices.providers };
  return html`<form method="get" action="${action}" class="filters">
  ${filterFields.map((field) => {
    const list = lists[field];
    return html`<label>${fieldLabels[field]} <input name="${field}" value="${filters[field] ?? ''}"${placeholders[field] ? html` placeholder="${placeholders[field]}"` : ''}${list ? html` list="choices-${field}"` : ''}></label>
    ${list ? html`<datalist id="choices-${field}">${list.map((value) => html`<option value="${value}"></option>`)}</datalist>` : ''}`;
  })}
  <button type="submit">Filter</button> <a href="${action}">Clear</a>
  ${problems.map((problem) => html`<p class="problem" role="alert">${problem}</p>`)}
</form>`;
}

/** The routing of a request in one cell: model asked → rule → provider/model. */
export function routeCell(line: IndexedLine): SafeHtml {
  const upstream = line.text.provider === null ? html`<span class="muted">no upstream call</span>` : html`${line.text.provider}/${line.text.upstream_model ?? '?'}`;
  const rule = line.text.rule === null ? '' : html` <span class="rule" title="rule">${line.text.rule}</span>`;
  return html`<span class="model">${line.text.model ?? '?'}</span> →${rule} → ${upstream}`;
}

export function statusCell(line: IndexedLine): SafeHtml {
  const failed = line.status >= 400 || line.error;
  return html`<span class="status ${failed ? 'bad' : 'good'}">${line.status}</span>`;
}

/** Requests as table rows, each linking to its Request page. */
export function requestTable(rows: IndexedLine[], options: { showSession?: boolean } = {}): SafeHtml {
  if (rows.length === 0) return html`<p class="empty">No requests match.</p>`;
  return html`<table class="requests">
  <thead><tr><th>Time (UTC)</th><th>Status</th><th>Key</th><th>Model → rule → provider/model</th><th class="num">Tokens in/out</th><th class="num">Cost</th><th class="num">Latency</th><th class="num">TTFT</th>${options.showSession ? html`<th>Session</th>` : ''}<th>Request</th></tr></thead>
  <tbody>
  ${rows.map(
    (line) => html`<tr class="request-row" data-id="${line.id}">
    <td>${formatTime(line.tsMs)}</td><td>${statusCell(line)}</td><td>${line.text.key ?? '–'}</td><td>${routeCell(line)}</td>
    <td class="num">${formatCount(line.inputTokens)} / ${formatCount(line.outputTokens)}</td><td class="num">${formatCost(line.costUsd)}</td>
    <td class="num">${formatMs(line.durationMs)}</td><td class="num">${formatMs(line.ttftMs)}</td>
    ${options.showSession ? html`<td>${line.text.session === null ? '–' : html`<a href="${consoleUrl(`/ui/sessions/${encodeURIComponent(line.text.session)}`)}">${shortId(line.text.session)}</a>`}</td>` : ''}
    <td><a href="/ui/requests/${encodeURIComponent(line.id)}"><code>${shortId(line.id)}</code></a></td>
  </tr>`,
  )}
  </tbody>
</table>`;
}

/** How much of the traces the index holds, and where the rest is. */
export function coverageNote(coverage: IndexCoverage): SafeHtml {
  const since = coverage.since === undefined ? '' : html` since ${formatTime(coverage.since)}`;
  const leftOut = coverage.filesLeftOut > 0
    ? html` ${coverage.filesLeftOut} older trace files are not indexed (<code>ui.index_max_requests</code>); read them with <code>switchboard traces search --until …</code>.`
    : '';
  return html`<p class="coverage muted">Indexed ${formatCount(coverage.requests)} requests in ${coverage.files} trace files${since}.${leftOut}</p>`;
}

import type { IndexedLine } from '../../traces/index-segment.js';
import type { IndexCoverage } from '../../traces/trace-index.js';
import { consoleUrl, html, type SafeHtml } from '../html.js';
import type { ConsoleFilters, RequestCharts } from '../trace-queries.js';
import { barChart, lineChart } from './charts.js';
import { coverageNote, filterForm, requestTable, type FilterChoices } from './request-list.js';

/** Search: the filters, charts of what matched, and the matching requests newest first, a page at a time. */
export function requestsView(options: {
  rows: IndexedLine[];
  more: boolean;
  page: number;
  filters: ConsoleFilters;
  choices: FilterChoices;
  problems: string[];
  charts: RequestCharts | undefined;
  coverage: IndexCoverage;
}): SafeHtml {
  const { charts, page } = options;
  const pageLink = (target: number): string => consoleUrl('/ui/requests', { ...options.filters, page: target === 0 ? undefined : target });
  return html`<h1>Requests</h1>
${filterForm('/ui/requests', options.filters, options.choices, options.problems)}
${charts
  ? html`<div class="charts">
  ${lineChart({ title: 'Requests over time per provider', series: charts.requests, start: charts.start, end: charts.end, unit: 'requests' })}
  ${lineChart({ title: 'Tokens over time per provider', series: charts.tokens, start: charts.start, end: charts.end, unit: 'tokens' })}
  ${barChart({ title: 'Latency distribution', bars: charts.latency, unit: 'requests' })}
</div>`
  : ''}
${requestTable(options.rows, { showSession: true })}
<p class="pager">${page > 0 ? html`<a href="${pageLink(page - 1)}">← newer</a>` : ''} ${options.more ? html`<a href="${pageLink(page + 1)}">older →</a>` : ''}</p>
${coverageNote(options.coverage)}`;
}

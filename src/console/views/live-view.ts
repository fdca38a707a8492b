import { html, type SafeHtml } from '../html.js';
import { liveWindowSeconds, type LiveProvider, type LiveSnapshot } from '../live-stats.js';
import { lineChart } from './charts.js';
import { formatCount, formatMs } from './format.js';

/**
 * The live page: requests per second, errors, latency and time to first
 * token per provider over the last minute, requests and streams in flight.
 * Rendered with the figures of now; console.js then follows
 * `/ui/live/events` (SSE) and replaces the figures as they change.
 */
export function liveView(snapshot: LiveSnapshot): SafeHtml {
  return html`<section id="live" data-events="/ui/live/events">
  <h1>Live <span class="muted" id="live-state">connecting…</span></h1>
  <div class="tiles">
    <div class="tile"><span class="value" data-live="total">${formatCount(snapshot.total)}</span><span class="label">requests since start</span></div>
    <div class="tile"><span class="value" data-live="rps">${totalRps(snapshot).toFixed(1)}</span><span class="label">requests/s (last 10 s)</span></div>
    <div class="tile"><span class="value" data-live="inFlight">${formatCount(snapshot.inFlight)}</span><span class="label">in flight</span></div>
    <div class="tile"><span class="value" data-live="inFlightStreams">${formatCount(snapshot.inFlightStreams)}</span><span class="label">streams in flight</span></div>
  </div>
  <div id="live-chart">${lineChart({ title: `Requests per second, last ${liveWindowSeconds} s`, series: [{ name: 'all providers', values: snapshot.series }], start: (snapshot.at - liveWindowSeconds + 1) * 1000, end: snapshot.at * 1000, unit: 'requests' })}</div>
  <table class="providers" id="live-providers">
    <thead><tr><th>Provider</th><th class="num">Req/s</th><th class="num">Requests (1 min)</th><th class="num">Errors</th><th class="num">Latency p50</th><th class="num">p95</th><th class="num">TTFT p50</th><th class="num">p95</th></tr></thead>
    <tbody>${snapshot.providers.map(providerRow)}</tbody>
  </table>
  <p class="muted">Percentiles are of the last minute, to about 12 %. History: <a href="/ui/requests">Requests</a>.</p>
</section>`;
}

function providerRow(provider: LiveProvider): SafeHtml {
  const cells = liveProviderCells(provider);
  return html`<tr data-provider="${provider.provider}">${cells.map((cell, index) => html`<td${index === 0 ? '' : html` class="num"`}>${cell}</td>`)}</tr>`;
}

/** The cells of one provider row, as text: the server renders them and console.js redraws them from the same values. */
export function liveProviderCells(provider: LiveProvider): string[] {
  return [
    provider.provider,
    provider.rps.toFixed(1),
    formatCount(provider.requests),
    formatCount(provider.errors),
    formatMs(provider.latencyP50, true),
    formatMs(provider.latencyP95, true),
    formatMs(provider.ttftP50, true),
    formatMs(provider.ttftP95, true),
  ];
}

export function totalRps(snapshot: LiveSnapshot): number {
  return snapshot.providers.reduce((sum, provider) => sum + provider.rps, 0);
}

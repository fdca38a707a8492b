import { html, type SafeHtml } from '../html.js';
import { formatCount } from './format.js';

/** One named line of a chart. */
export interface ChartSeries {
  name: string;
  values: number[];
}

const width = 640;
const height = 180;
const pad = { left: 48, right: 8, top: 8, bottom: 22 };
const plotWidth = width - pad.left - pad.right;
const plotHeight = height - pad.top - pad.bottom;
/** Series colours are CSS classes (`s0`…`s7`), so the stylesheet owns the palette and no style attribute is needed. */
const paletteSize = 8;

/**
 * Lines over time as inline SVG, drawn on the server: the x axis is
 * `buckets` equal time slices from `start` to `end`, the y axis starts at 0.
 * The legend names each series in its colour.
 */
export function lineChart(options: { title: string; series: ChartSeries[]; start: number; end: number; unit: string }): SafeHtml {
  const { series, title } = options;
  const max = chartMax(series.map((line) => line.values));
  const lines = series.map(
    (line, index) => html`<polyline class="line s${index % paletteSize}" data-series="${index}" points="${chartPoints(line.values, max)}"><title>${line.name}</title></polyline>`,
  );
  return html`<figure class="chart">
  <figcaption>${title}</figcaption>
  <svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${title}">
    <line class="axis" x1="${pad.left}" y1="${pad.top + plotHeight}" x2="${width - pad.right}" y2="${pad.top + plotHeight}"></line>
    <line class="axis" x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${pad.top + plotHeight}"></line>
    <text class="tick" data-chart="max" x="${pad.left - 4}" y="${pad.top + 10}" text-anchor="end">${formatCount(max)}</text>
    <text class="tick" x="${pad.left - 4}" y="${pad.top + plotHeight}" text-anchor="end">0</text>
    <text class="tick" x="${pad.left}" y="${height - 6}">${timeLabel(options.start)}</text>
    <text class="tick" x="${width - pad.right}" y="${height - 6}" text-anchor="end">${timeLabel(options.end)}</text>
    ${lines}
  </svg>
  ${legend(series, options.unit)}
</figure>`;
}

/** The top of the y axis for these lines (at least 1). */
export function chartMax(lines: number[][]): number {
  return Math.max(1, ...lines.flat());
}

/** A line's `points` in the chart's coordinates: the live page redraws with the same geometry as the server. */
export function chartPoints(values: number[], max: number): string {
  const step = values.length <= 1 ? 0 : plotWidth / (values.length - 1);
  return values.map((value, index) => `${(pad.left + (values.length <= 1 ? plotWidth / 2 : index * step)).toFixed(1)},${(pad.top + plotHeight - (value / max) * plotHeight).toFixed(1)}`).join(' ');
}

/** Bars, one per labelled bucket (a latency distribution). */
export function barChart(options: { title: string; bars: Array<{ label: string; value: number }>; unit: string }): SafeHtml {
  const { bars, title } = options;
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const slot = plotWidth / Math.max(1, bars.length);
  const rects = bars.map((bar, index) => {
    const barHeight = (bar.value / max) * plotHeight;
    const left = pad.left + index * slot + slot * 0.1;
    return html`<rect class="bar" x="${left.toFixed(1)}" y="${(pad.top + plotHeight - barHeight).toFixed(1)}" width="${(slot * 0.8).toFixed(1)}" height="${barHeight.toFixed(1)}"><title>${bar.label}: ${formatCount(bar.value)} ${options.unit}</title></rect>
    <text class="tick" x="${(left + slot * 0.4).toFixed(1)}" y="${height - 6}" text-anchor="middle">${bar.label}</text>`;
  });
  return html`<figure class="chart">
  <figcaption>${title}</figcaption>
  <svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${title}">
    <line class="axis" x1="${pad.left}" y1="${pad.top + plotHeight}" x2="${width - pad.right}" y2="${pad.top + plotHeight}"></line>
    <text class="tick" x="${pad.left - 4}" y="${pad.top + 10}" text-anchor="end">${formatCount(max)}</text>
    ${rects}
  </svg>
</figure>`;
}

function legend(series: ChartSeries[], unit: string): SafeHtml {
  return html`<ul class="legend">${series.map(
    (line, index) => html`<li><span class="swatch s${index % paletteSize}"></span>${line.name} <span class="muted">${formatCount(line.values.reduce((sum, value) => sum + value, 0))} ${unit}</span></li>`,
  )}</ul>`;
}

function timeLabel(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('T', ' ').slice(5, 16);
}

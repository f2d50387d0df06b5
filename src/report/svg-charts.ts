/**
 * Chart primitives that return self-contained SVG strings: a frame with axes, ticks, grid
 * and titles, and line, scatter and horizontal bar charts drawn in it. No library and no
 * script, so a report opens offline in any browser and the SVG can be checked as text.
 */
import {
  escapeXml, formatTick, linearScale, niceDomain, niceTicks, px, type Domain,
} from './svg-scale.js';

export type Point = readonly [number, number];

export interface Series {
  name: string;
  points: readonly Point[];
  color?: string;
}

export interface Marker {
  x: number;
  label: string;
}

export interface XYChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  xDomain?: Domain;
  yDomain?: Domain;
  width?: number;
  height?: number;
  /** Dashed vertical lines with a label, e.g. percentiles on a CDF. */
  markers?: readonly Marker[];
}

export interface Bar {
  label: string;
  value: number;
  /** Shown at the end of the bar; the value with 2 decimals when absent. */
  valueText?: string;
}

export interface BarChartOptions {
  title: string;
  xLabel: string;
  bars: readonly Bar[];
  width?: number;
}

export const PALETTE = ['#2f6db5', '#d9731a', '#3a9a4a', '#b83b3b', '#7a52a8', '#8a6d3b'];
const FONT = 'font-family="system-ui, sans-serif" fill="#333"';
const MARGIN = { top: 34, right: 20, bottom: 46, left: 62 };

interface Plot {
  x: (value: number) => number;
  y: (value: number) => number;
  xDomain: Domain;
  yDomain: Domain;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function openSvg(width: number, height: number, title: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" role="img"><title>${escapeXml(title)}</title>` +
    `<rect width="${width}" height="${height}" fill="#fff"/>` +
    `<text x="${MARGIN.left}" y="20" ${FONT} font-size="13" font-weight="600">` +
    `${escapeXml(title)}</text>`;
}

function text(x: number, y: number, content: string, extra = ''): string {
  return `<text x="${px(x)}" y="${px(y)}" ${FONT} font-size="11" ${extra}>` +
    `${escapeXml(content)}</text>`;
}

function extent(series: readonly Series[], axis: 0 | 1): Domain {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const { points } of series) {
    for (const point of points) {
      min = Math.min(min, point[axis]);
      max = Math.max(max, point[axis]);
    }
  }
  return min <= max ? [min, max] : [0, 1];
}

function makePlot(options: XYChartOptions, width: number, height: number): Plot {
  const xDomain = options.xDomain ?? niceDomain(...extent(options.series, 0));
  const yDomain = options.yDomain ?? niceDomain(...extent(options.series, 1));
  const left = MARGIN.left;
  const right = width - MARGIN.right;
  const top = MARGIN.top;
  const bottom = height - MARGIN.bottom;
  return {
    x: linearScale(xDomain, [left, right]),
    y: linearScale(yDomain, [bottom, top]),
    xDomain, yDomain, left, right, top, bottom,
  };
}

/** Grid, axes, tick labels and axis titles of an x/y plot. */
export function renderAxes(plot: Plot, xLabel: string, yLabel: string): string {
  const parts: string[] = ['<g class="axes">'];
  for (const tick of niceTicks(plot.xDomain)) {
    const x = px(plot.x(tick));
    parts.push(`<line x1="${x}" y1="${plot.top}" x2="${x}" y2="${plot.bottom}" stroke="#eee"/>`);
    parts.push(text(plot.x(tick), plot.bottom + 15, formatTick(tick, plot.xDomain),
      'text-anchor="middle"'));
  }
  for (const tick of niceTicks(plot.yDomain)) {
    const y = px(plot.y(tick));
    parts.push(`<line x1="${plot.left}" y1="${y}" x2="${plot.right}" y2="${y}" stroke="#eee"/>`);
    parts.push(text(plot.left - 6, plot.y(tick) + 4, formatTick(tick, plot.yDomain),
      'text-anchor="end"'));
  }
  parts.push(`<path d="M${plot.left} ${plot.top}V${plot.bottom}H${plot.right}" ` +
    'fill="none" stroke="#555"/>');
  parts.push(text((plot.left + plot.right) / 2, plot.bottom + 36, xLabel, 'text-anchor="middle"'));
  const yMid = (plot.top + plot.bottom) / 2;
  parts.push(text(16, yMid, yLabel, `text-anchor="middle" transform="rotate(-90 16 ${px(yMid)})"`));
  parts.push('</g>');
  return parts.join('');
}

function renderLegend(series: readonly Series[], plot: Plot): string {
  if (series.length < 2) return '';
  const parts = ['<g class="legend">', `<rect x="${plot.right - 116}" y="${plot.top + 2}" ` +
    `width="112" height="${series.length * 16 + 6}" fill="#fff" fill-opacity="0.85"/>`];
  series.forEach((s, i) => {
    const y = plot.top + 6 + i * 16;
    const color = s.color ?? PALETTE[i % PALETTE.length];
    parts.push(`<rect x="${plot.right - 110}" y="${y}" width="10" height="10" fill="${color}"/>`);
    parts.push(text(plot.right - 95, y + 9, `${s.name} (${s.points.length})`));
  });
  parts.push('</g>');
  return parts.join('');
}

function renderMarkers(markers: readonly Marker[], plot: Plot): string {
  return markers.map((marker, i) => {
    const x = px(plot.x(marker.x));
    return `<line x1="${x}" y1="${plot.top}" x2="${x}" y2="${plot.bottom}" stroke="#888" ` +
      'stroke-dasharray="4 3"/>' +
      text(plot.x(marker.x) + 3, plot.top + 10 + (i % 3) * 12, marker.label);
  }).join('');
}

function noData(plot: Plot, series: readonly Series[]): string {
  const empty = series.every((s) => s.points.length === 0);
  return empty
    ? text((plot.left + plot.right) / 2, (plot.top + plot.bottom) / 2, 'no data',
      'text-anchor="middle"')
    : '';
}

function chart(options: XYChartOptions, draw: (plot: Plot) => string): string {
  const width = options.width ?? 640;
  const height = options.height ?? 320;
  const plot = makePlot(options, width, height);
  return openSvg(width, height, options.title) +
    renderAxes(plot, options.xLabel, options.yLabel) +
    draw(plot) +
    renderMarkers(options.markers ?? [], plot) +
    renderLegend(options.series, plot) +
    noData(plot, options.series) +
    '</svg>';
}

/** Series drawn as polylines through their points, in the order given. */
export function lineChart(options: XYChartOptions): string {
  return chart(options, (plot) => options.series.map((s, i) => {
    if (s.points.length === 0) return '';
    const d = s.points
      .map(([x, y], j) => `${j === 0 ? 'M' : 'L'}${px(plot.x(x))} ${px(plot.y(y))}`)
      .join('');
    const color = s.color ?? PALETTE[i % PALETTE.length];
    return `<path d="${d}" fill="none" stroke="${color}" stroke-width="1.5"/>`;
  }).join(''));
}

/**
 * Series drawn as dots. Each series is one path of zero-length round-capped segments, which
 * keeps thousands of points to a few bytes each instead of a <circle> apiece.
 */
export function scatterChart(options: XYChartOptions & { dotSizePx?: number }): string {
  const size = options.dotSizePx ?? 3;
  return chart(options, (plot) => options.series.map((s, i) => {
    if (s.points.length === 0) return '';
    const d = s.points.map(([x, y]) => `M${px(plot.x(x))} ${px(plot.y(y))}h0`).join('');
    const color = s.color ?? PALETTE[i % PALETTE.length];
    return `<path d="${d}" stroke="${color}" stroke-width="${size}" stroke-linecap="round" ` +
      'stroke-opacity="0.7"/>';
  }).join(''));
}

/** Horizontal bars from zero, one row per bar; negative values extend to the left. */
export function barChart(options: BarChartOptions): string {
  const width = options.width ?? 640;
  const rowHeightPx = 26;
  // Room for the longest label at about 6.5 px a character, but never half the chart.
  const longest = Math.max(0, ...options.bars.map((bar) => bar.label.length));
  const labelWidthPx = Math.min(width / 2, Math.max(80, Math.ceil(longest * 6.5) + 16));
  const top = MARGIN.top;
  const height = top + options.bars.length * rowHeightPx + MARGIN.bottom;
  const values = options.bars.map((bar) => bar.value);
  const xDomain = niceDomain(Math.min(0, ...values), Math.max(0, ...values));
  const plot: Plot = {
    x: linearScale(xDomain, [labelWidthPx, width - MARGIN.right - 50]),
    y: (v) => v,
    xDomain, yDomain: [0, 1],
    left: labelWidthPx, right: width - MARGIN.right - 50,
    top, bottom: height - MARGIN.bottom,
  };

  const parts = [openSvg(width, height, options.title), '<g class="axes">'];
  for (const tick of niceTicks(xDomain)) {
    const x = px(plot.x(tick));
    parts.push(`<line x1="${x}" y1="${top}" x2="${x}" y2="${plot.bottom}" stroke="#eee"/>`);
    parts.push(text(plot.x(tick), plot.bottom + 15, formatTick(tick, xDomain),
      'text-anchor="middle"'));
  }
  parts.push(text((plot.left + plot.right) / 2, plot.bottom + 36, options.xLabel,
    'text-anchor="middle"'));
  parts.push('</g>');

  options.bars.forEach((bar, i) => {
    const y = top + i * rowHeightPx;
    const x0 = plot.x(0);
    const x1 = plot.x(bar.value);
    const color = PALETTE[i % PALETTE.length];
    parts.push(text(labelWidthPx - 8, y + 17, bar.label, 'text-anchor="end"'));
    parts.push(`<rect x="${px(Math.min(x0, x1))}" y="${y + 5}" ` +
      `width="${px(Math.abs(x1 - x0))}" height="${rowHeightPx - 10}" fill="${color}"/>`);
    parts.push(text(Math.max(x0, x1) + 4, y + 17, bar.valueText ?? bar.value.toFixed(2)));
  });
  parts.push(`<line x1="${px(plot.x(0))}" y1="${top}" x2="${px(plot.x(0))}" ` +
    `y2="${plot.bottom}" stroke="#555"/>`);
  parts.push('</svg>');
  return parts.join('');
}

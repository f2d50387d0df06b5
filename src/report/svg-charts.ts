/**
 * Chart primitives that return self-contained SVG strings: a frame with axes (linear, log, or
 * fixed ticks), grid and titles, and line, scatter and horizontal bar charts drawn in it. No
 * library and no script, so a report opens offline in any browser and the SVG can be checked
 * as text. The frame, text and legends are in svg-parts.ts.
 */
import {
  formatLogTick, formatTick, linearScale, logDomain, logScale, logTicks, niceDomain, niceTicks,
  px, type Domain,
} from './svg-scale.js';
import {
  MARGIN, PALETTE, flowLegend, legendBox, legendWidthPx, openSvg, text, type LegendItem,
} from './svg-parts.js';

export { PALETTE };

export type Point = readonly [number, number];

export interface Series {
  name: string;
  points: readonly Point[];
  color?: string;
  /** Legend text; "name (number of points)" when absent. */
  legend?: string;
  dashed?: boolean;
}

export interface Tick {
  value: number;
  label: string;
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
  /** A log x axis needs positive values; smaller ones are drawn at its low end. */
  xScale?: 'linear' | 'log';
  /** Fixed x ticks instead of computed ones, e.g. one per step of an evenly spaced axis. */
  xTicks?: readonly Tick[];
  /** Dots on a line chart's points, so a series of one point still shows. */
  showPoints?: boolean;
  /**
   * Where the legend goes: 'inside' the plot's top right corner, to the 'right' of the plot,
   * or 'below' it in rows (clear of the data and of the plot's width, for many series).
   */
  legendPlacement?: 'inside' | 'right' | 'below';
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

interface Plot {
  x: (value: number) => number;
  y: (value: number) => number;
  xDomain: Domain;
  yDomain: Domain;
  xTicks: readonly Tick[];
  yTicks: readonly Tick[];
  left: number;
  right: number;
  top: number;
  bottom: number;
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

const ticksOf = (values: number[], label: (v: number) => string): Tick[] =>
  values.map((value) => ({ value, label: label(value) }));

function makePlot(
  options: XYChartOptions, width: number, height: number, legendHeight: number,
): Plot {
  const log = options.xScale === 'log';
  const xDomain = options.xDomain ??
    (log ? logDomain(...extent(options.series, 0)) : niceDomain(...extent(options.series, 0)));
  const yDomain = options.yDomain ?? niceDomain(...extent(options.series, 1));
  const left = MARGIN.left;
  const right = width - MARGIN.right - (options.legendPlacement === 'right'
    ? legendWidthPx(legendItems(options.series)) + 8 : 0);
  const top = MARGIN.top;
  const bottom = height - MARGIN.bottom - legendHeight;
  const xTicks = options.xTicks ?? (log ? ticksOf(logTicks(xDomain), formatLogTick)
    : ticksOf(niceTicks(xDomain), (v) => formatTick(v, xDomain)));
  return {
    x: (log ? logScale : linearScale)(xDomain, [left, right]),
    y: linearScale(yDomain, [bottom, top]),
    xDomain, yDomain, left, right, top, bottom, xTicks,
    yTicks: ticksOf(niceTicks(yDomain), (v) => formatTick(v, yDomain)),
  };
}

/** Grid, axes, tick labels and axis titles of an x/y plot. */
export function renderAxes(plot: Plot, xLabel: string, yLabel: string): string {
  const parts: string[] = ['<g class="axes">'];
  for (const tick of plot.xTicks) {
    const x = px(plot.x(tick.value));
    parts.push(`<line x1="${x}" y1="${plot.top}" x2="${x}" y2="${plot.bottom}" stroke="#eee"/>`);
    parts.push(text(plot.x(tick.value), plot.bottom + 15, tick.label, 'text-anchor="middle"'));
  }
  for (const tick of plot.yTicks) {
    const y = px(plot.y(tick.value));
    parts.push(`<line x1="${plot.left}" y1="${y}" x2="${plot.right}" y2="${y}" stroke="#eee"/>`);
    parts.push(text(plot.left - 6, plot.y(tick.value) + 4, tick.label, 'text-anchor="end"'));
  }
  parts.push(`<path d="M${plot.left} ${plot.top}V${plot.bottom}H${plot.right}" ` +
    'fill="none" stroke="#555"/>');
  parts.push(text((plot.left + plot.right) / 2, plot.bottom + 36, xLabel, 'text-anchor="middle"'));
  const yMid = (plot.top + plot.bottom) / 2;
  parts.push(text(16, yMid, yLabel, `text-anchor="middle" transform="rotate(-90 16 ${px(yMid)})"`));
  parts.push('</g>');
  return parts.join('');
}

function legendItems(series: readonly Series[]): LegendItem[] {
  return series.map((s, i) => ({
    text: s.legend ?? `${s.name} (${s.points.length})`,
    color: s.color ?? PALETTE[i % PALETTE.length] as string,
    dashed: s.dashed,
  }));
}

const LEGEND_GAP_PX = 8;

/** The legend as placed, and the height it adds under the plot (for 'below'). */
function placeLegend(options: XYChartOptions, width: number) {
  const items = legendItems(options.series);
  if (items.length < 2) return { height: 0, draw: (_plot: Plot) => '' };
  if (options.legendPlacement === 'below') {
    const flow = (top: number) => flowLegend(items, MARGIN.left, width - MARGIN.right, top);
    return { height: flow(0).height + LEGEND_GAP_PX,
      draw: (plot: Plot) => flow(plot.bottom + MARGIN.bottom - 4).svg };
  }
  const outside = options.legendPlacement === 'right';
  return { height: 0, draw: (plot: Plot) => legendBox(items,
    outside ? plot.right + 8 : plot.right - legendWidthPx(items) - 4, plot.top + 2) };
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
  const legend = placeLegend(options, width);
  const height = (options.height ?? 320) + legend.height;
  const plot = makePlot(options, width, height, legend.height);
  return openSvg(width, height, options.title) +
    renderAxes(plot, options.xLabel, options.yLabel) +
    draw(plot) +
    renderMarkers(options.markers ?? [], plot) +
    legend.draw(plot) +
    noData(plot, options.series) +
    '</svg>';
}

const dots = (points: readonly Point[], plot: Plot) =>
  points.map(([x, y]) => `M${px(plot.x(x))} ${px(plot.y(y))}h0`).join('');

/** Series drawn as polylines through their points, in the order given. */
export function lineChart(options: XYChartOptions): string {
  return chart(options, (plot) => options.series.map((s, i) => {
    if (s.points.length === 0) return '';
    const d = s.points
      .map(([x, y], j) => `${j === 0 ? 'M' : 'L'}${px(plot.x(x))} ${px(plot.y(y))}`)
      .join('');
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    const line = `<path d="${d}" fill="none" stroke="${color}" stroke-width="1.5"${dash}/>`;
    return line + (options.showPoints ? `<path d="${dots(s.points, plot)}" stroke="${color}" ` +
      'stroke-width="6" stroke-linecap="round"/>' : '');
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
    const d = dots(s.points, plot);
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
    xDomain, yDomain: [0, 1], xTicks: [], yTicks: [],
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

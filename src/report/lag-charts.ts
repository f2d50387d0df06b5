/**
 * The four charts of a replication-lag report, as SVG: the lag CDF (a line per rate), lag
 * over time by commit time (a colour per rate), stage medians per rate (stacked bars) and
 * lag against rate (p50 and p99). Curves and dots come from the samples, grouped by step as
 * the summary groups them; every number printed on a chart comes from the summary.
 */
import { STAGES, type LagSample } from '../measure/lag-sample.js';
import { pickRepresentatives } from '../measure/lag-summary.js';
import {
  formatRate, rateLabel, samplesOfStep, stepViews, type ReplicationLagSummary, type StepView,
} from './lag-run-summary.js';
import type { RunInfo } from './run-folder.js';
import { formatMs } from './summary-tables.js';
import {
  PALETTE, lineChart, scatterChart, type Marker, type Point, type Series,
} from './svg-charts.js';
import { niceDomain } from './svg-scale.js';
import { stackedBarChart } from './svg-stacked-bars.js';

/** Enough points for a smooth curve at 640 px; more only makes the file bigger. */
const CDF_POINTS = 500;

/** Wide enough for the page's column; the browser scales it down on a narrow screen. */
const WIDTH_PX = 880;

/** A lag spread wider than this ratio (max over min) gets a log axis on the CDF. */
const LOG_AXIS_RATIO = 100;

/**
 * Limitation: above this many seen rows the timeline shows an even subset plus the slowest
 * rows (so outliers stay visible), not every row; the CSV keeps them all.
 */
const TIMELINE_MAX_POINTS = 4000;
const TIMELINE_KEEP_SLOWEST = 200;

/** Cool to warm as the rate rises, so a sweep reads in order; dark enough on white. */
const RATE_RAMP = ['#1f4e9c', '#1b8f8a', '#5b9a32', '#d98a00', '#c0392b'];
const LOST_COLOR = '#111';

function hexToRgb(hex: string): number[] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

/** The colour of step i of n on the ramp. */
export function rateColor(i: number, n: number): string {
  const t = n <= 1 ? 0 : (i / (n - 1)) * (RATE_RAMP.length - 1);
  const lo = Math.floor(t);
  const hi = Math.min(lo + 1, RATE_RAMP.length - 1);
  const a = hexToRgb(RATE_RAMP[lo] as string);
  const b = hexToRgb(RATE_RAMP[hi] as string);
  return `#${a.map((v, k) => Math.round(v + ((b[k] as number) - v) * (t - lo))
    .toString(16).padStart(2, '0')).join('')}`;
}

/** Empirical CDF at up to CDF_POINTS evenly spaced ranks. */
export function cdfPoints(sortedLagsMs: readonly number[]): Point[] {
  const n = sortedLagsMs.length;
  if (n === 0) return [];
  const steps = Math.min(n, CDF_POINTS);
  const points: Point[] = [];
  for (let j = 0; j < steps; j += 1) {
    const rank = steps === 1 ? n - 1 : Math.round((j * (n - 1)) / (steps - 1));
    points.push([sortedLagsMs[rank] as number, (rank + 1) / n]);
  }
  return points;
}

/** Lags of the seen rows one summary counts (one row per userId), ascending. */
export function sortedSeenLags(samples: readonly LagSample[]): number[] {
  return pickRepresentatives(samples).filter((s) => s.status === 'seen')
    .map((s) => s.lagMs as number).sort((a, b) => a - b);
}

/** A log x axis when the lags span more than LOG_AXIS_RATIO, else a linear one from 0. */
export function cdfAxis(series: readonly Series[]): { xScale: 'linear' | 'log'; xLabel: string } {
  const xs = series.flatMap((s) => s.points.map(([x]) => x));
  const positive = xs.filter((x) => x > 0);
  const wide = positive.length > 0 &&
    Math.max(...positive) / Math.max(Math.min(...positive), 0.1) > LOG_AXIS_RATIO;
  return wide ? { xScale: 'log', xLabel: 'lag, commit to visible (ms, log scale)' }
    : { xScale: 'linear', xLabel: 'lag, commit to visible (ms)' };
}

interface ChartStep {
  view: StepView;
  samples: LagSample[];
  color: string;
}

function chartSteps(views: readonly StepView[], samples: readonly LagSample[]): ChartStep[] {
  return views.map((view, i) => ({
    view, samples: samplesOfStep(view, samples), color: rateColor(i, views.length),
  }));
}

export function lagCdfChart(steps: readonly ChartStep[], overall: ReplicationLagSummary): string {
  const series = steps.map(({ view, samples, color }): Series => ({
    name: rateLabel(view.rateHz),
    points: cdfPoints(sortedSeenLags(samples)),
    color,
    legend: `${rateLabel(view.rateHz)}: p50 ${formatMs(view.summary.lagMs.p50)}, ` +
      `p99 ${formatMs(view.summary.lagMs.p99)} ms`,
  }));
  // One curve gets its percentiles marked; with several, the legend carries them instead.
  const markers: Marker[] = [];
  for (const key of steps.length === 1 ? ['p50', 'p99'] as const : []) {
    const value = overall.lagMs[key];
    if (value !== null) markers.push({ x: value, label: `${key} ${formatMs(value)} ms` });
  }

  return lineChart({
    title: `Lag distribution (${overall.seen} seen rows)`,
    ...cdfAxis(series),
    yLabel: 'fraction of rows at or below',
    series,
    yDomain: [0, 1],
    markers,
    legendPlacement: 'below',
    width: WIDTH_PX,
  });
}

function thin(seen: readonly LagSample[], maxPoints: number): LagSample[] {
  if (seen.length <= maxPoints) return [...seen];
  const keepSlowest = Math.min(TIMELINE_KEEP_SLOWEST, Math.floor(maxPoints / 4));
  const stride = Math.ceil(seen.length / (maxPoints - keepSlowest));
  const slowest = [...seen]
    .sort((a, b) => (b.lagMs as number) - (a.lagMs as number))
    .slice(0, keepSlowest);
  const kept = new Set([...seen.filter((_, i) => i % stride === 0), ...slowest]);
  return seen.filter((s) => kept.has(s));
}

export function lagTimelineChart(
  steps: readonly ChartStep[], overall: ReplicationLagSummary,
): string {
  const originMs = overall.firstCommitMs ?? 0;
  const atSeconds = (s: LagSample) => (s.tCommitMs - originMs) / 1000;
  const yDomain = niceDomain(0, overall.lagMs.max ?? 1);
  // Each step gets a share of the points in proportion to its rows, so all of it shows.
  const allSeen = pickRepresentatives(steps.flatMap((step) => step.samples))
    .filter((s) => s.status === 'seen').length;
  const share = Math.min(1, TIMELINE_MAX_POINTS / Math.max(1, allSeen));
  let drawn = 0;
  let seenTotal = 0;
  const lost: LagSample[] = [];

  const series = steps.map(({ view, samples, color }): Series => {
    const representatives = pickRepresentatives(samples);
    const seen = representatives.filter((s) => s.status === 'seen');
    lost.push(...representatives.filter((s) => s.status === 'lost'));
    const shown = thin(seen, Math.max(1, Math.floor(seen.length * share)));
    drawn += shown.length;
    seenTotal += seen.length;
    return { name: rateLabel(view.rateHz), color, legend: rateLabel(view.rateHz),
      points: shown.map((s): Point => [atSeconds(s), s.lagMs as number]) };
  });
  series.push({ name: 'lost', points: lost.map((s): Point => [atSeconds(s), yDomain[1]]),
    color: LOST_COLOR, legend: `lost (${lost.length}), at the top` });

  const subset = drawn < seenTotal ? `, ${drawn} of them drawn` : '';
  return scatterChart({
    title: `Lag over time (${seenTotal} seen${subset}; ${lost.length} lost)`,
    xLabel: 's since first commit',
    yLabel: 'lag (ms)',
    yDomain,
    series,
    legendPlacement: 'below',
    width: WIDTH_PX,
  });
}

export function stageBreakdownChart(views: readonly StepView[]): string {
  return stackedBarChart({
    title: 'Stage medians per rate (ms)',
    xLabel: 'ms (sum of stage p50s; stage medians do not add up to the lag median)',
    parts: STAGES.map((s) => s.name),
    unit: 'ms',
    width: WIDTH_PX,
    rows: views.map((v) => {
      const values = STAGES.map((s) => v.summary.stages[s.name].p50 ?? 0);
      return { label: rateLabel(v.rateHz), values,
        valueText: `lag p50 ${formatMs(v.summary.lagMs.p50)}` };
    }),
  });
}

/** The rates on an evenly spaced axis: a sweep's rates are often far apart (100 .. 10000). */
export function rateAxis(rates: readonly (number | null)[]) {
  return {
    xDomain: [-0.5, Math.max(0, rates.length - 1) + 0.5] as const,
    xTicks: rates.map((rateHz, i) => ({ value: i, label: rateHz === null ? 'all'
      : formatRate(rateHz) })),
    xLabel: 'offered rate (rows/s; steps evenly spaced)',
  };
}

export function lagVsRateChart(views: readonly StepView[], summary: ReplicationLagSummary) {
  const pick = (key: 'p50' | 'p99') => views.flatMap((v, i): Point[] =>
    (v.summary.lagMs[key] === null ? [] : [[i, v.summary.lagMs[key] as number]]));
  const markers: Marker[] = [];
  const knee = summary.knee;
  const kneeIndex = views.findIndex((v) => v.rateHz === knee?.kneeRateHz);
  if (knee && knee.firstUnboundedRateHz !== null && kneeIndex >= 0) {
    markers.push({ x: kneeIndex, label: `knee: bounded up to ${formatRate(knee.kneeRateHz)}/s` });
  }
  return lineChart({
    title: 'Lag against write rate',
    ...rateAxis(views.map((v) => v.rateHz)),
    yLabel: 'lag (ms)',
    series: [{ name: 'p50', points: pick('p50'), color: PALETTE[0], legend: 'p50' },
      { name: 'p99', points: pick('p99'), color: PALETTE[3], legend: 'p99' }],
    yDomain: niceDomain(0, Math.max(1, ...pick('p99').map(([, y]) => y))),
    markers,
    showPoints: true,
    width: WIDTH_PX,
  });
}

export interface ReportChart {
  /** Stable id, set as data-chart on the figure. */
  id: 'lag-cdf' | 'lag-timeline' | 'stage-breakdown' | 'lag-vs-rate';
  svg: string;
}

export function lagCharts(
  summary: ReplicationLagSummary, samples: readonly LagSample[], run?: RunInfo,
): ReportChart[] {
  const views = stepViews(summary, run);
  const steps = chartSteps(views, samples);
  return [
    { id: 'lag-cdf', svg: lagCdfChart(steps, summary) },
    { id: 'lag-timeline', svg: lagTimelineChart(steps, summary) },
    { id: 'stage-breakdown', svg: stageBreakdownChart(views) },
    { id: 'lag-vs-rate', svg: lagVsRateChart(views, summary) },
  ];
}

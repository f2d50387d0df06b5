/**
 * The three charts of a replication-lag report, as SVG: the lag CDF, lag over time by commit
 * time, and the mean of each stage. Points come from the samples (one per userId, as the
 * summary counts them); every number printed on a chart comes from the summary.
 */
import type { LagSample } from '../measure/lag-sample.js';
import { STAGES } from '../measure/lag-sample.js';
import { pickRepresentatives, type LagSummary } from '../measure/lag-summary.js';
import { barChart, lineChart, scatterChart, type Marker, type Point } from './svg-charts.js';
import { niceDomain } from './svg-scale.js';
import { formatMs } from './summary-tables.js';

/** Enough points for a smooth curve at 640 px; more only makes the file bigger. */
const CDF_POINTS = 500;

/**
 * Limitation: above this many seen rows the timeline shows an even subset plus the slowest
 * rows (so outliers stay visible), not every row; the CSV keeps them all.
 */
const TIMELINE_MAX_POINTS = 4000;
const TIMELINE_KEEP_SLOWEST = 200;

function seenLags(samples: readonly LagSample[]): LagSample[] {
  return pickRepresentatives(samples).filter((s) => s.status === 'seen');
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

export function lagCdfChart(summary: LagSummary, samples: readonly LagSample[]): string {
  const lags = seenLags(samples).map((s) => s.lagMs as number).sort((a, b) => a - b);
  const markers: Marker[] = [];
  const { p50, p99 } = summary.lagMs;
  if (p50 !== null) markers.push({ x: p50, label: `p50 ${formatMs(p50)} ms` });
  if (p99 !== null) markers.push({ x: p99, label: `p99 ${formatMs(p99)} ms` });

  return lineChart({
    title: `Lag distribution (${summary.seen} seen rows)`,
    xLabel: 'lag, commit to visible (ms)',
    yLabel: 'fraction of rows at or below',
    series: [{ name: 'seen', points: cdfPoints(lags) }],
    yDomain: [0, 1],
    markers,
  });
}

function thin(seen: readonly LagSample[]): LagSample[] {
  if (seen.length <= TIMELINE_MAX_POINTS) return [...seen];
  const stride = Math.ceil(seen.length / (TIMELINE_MAX_POINTS - TIMELINE_KEEP_SLOWEST));
  const slowest = [...seen]
    .sort((a, b) => (b.lagMs as number) - (a.lagMs as number))
    .slice(0, TIMELINE_KEEP_SLOWEST);
  const kept = new Set([...seen.filter((_, i) => i % stride === 0), ...slowest]);
  return seen.filter((s) => kept.has(s));
}

export function lagTimelineChart(summary: LagSummary, samples: readonly LagSample[]): string {
  const representatives = pickRepresentatives(samples);
  const originMs = summary.firstCommitMs ?? 0;
  const seen = representatives.filter((s) => s.status === 'seen');
  const lost = representatives.filter((s) => s.status === 'lost');
  const atSeconds = (s: LagSample) => (s.tCommitMs - originMs) / 1000;

  const yDomain = niceDomain(0, summary.lagMs.max ?? 1);
  const shown = thin(seen);
  const subset = shown.length < seen.length ? `, ${shown.length} of them drawn` : '';
  return scatterChart({
    title: `Lag over time (${seen.length} seen${subset}; ${lost.length} lost, drawn at the top)`,
    xLabel: 's since first commit',
    yLabel: 'lag (ms)',
    yDomain,
    series: [
      { name: 'seen', points: shown.map((s): Point => [atSeconds(s), s.lagMs as number]) },
      {
        name: 'lost',
        points: lost.map((s): Point => [atSeconds(s), yDomain[1]]),
        color: '#c0392b',
      },
    ],
  });
}

export function stageBarChart(summary: LagSummary): string {
  const bars = STAGES.map(({ name }) => {
    const stage = summary.stages[name];
    return {
      label: `${name}: ${stage.label}`,
      value: stage.mean ?? 0,
      valueText: `${formatMs(stage.mean)} ms`,
    };
  });
  return barChart({
    title: `Mean lag by stage (mean lag ${formatMs(summary.lagMs.mean)} ms)`,
    xLabel: 'ms',
    bars,
  });
}

/**
 * Two replication-lag runs side by side (A, the run reported on, and B, the one it is
 * compared with): rates matched by value, lag percentiles of each and the ratio B/A. Shared
 * by the terminal, Markdown, HTML and JSON forms of `authlab report A --compare B`.
 */
import type { LagSummary } from '../measure/lag-summary.js';
import type { LagRun } from './lag-report.js';
import {
  formatRate, kneeSentence, rateLabel, stepViews, summaryPath, type StepView,
} from './lag-run-summary.js';
import { formatMs, type TextTable } from './summary-tables.js';

export const COMPARE_PERCENTILES = ['p50', 'p95', 'p99'] as const;
type Percentile = (typeof COMPARE_PERCENTILES)[number];

export interface CompareSide {
  summary: LagSummary;
  /** JSON path of the summary in the comparison's embedded JSON, e.g. "a.steps.1.summary". */
  path: string;
}

export interface CompareRow {
  /** Null for the row of all rows together, or an old run whose rate is unknown. */
  rateHz: number | null;
  label: string;
  a: CompareSide | null;
  b: CompareSide | null;
}

/** B/A, or null when either is missing or A is not above zero. */
export function lagRatio(a: number | null, b: number | null): number | null {
  return a === null || b === null || !(a > 0) ? null : b / a;
}

export function formatRatio(ratio: number | null): string {
  return ratio === null ? '–' : `${ratio.toFixed(2)}×`;
}

function side(view: StepView | undefined, prefix: 'a' | 'b'): CompareSide | null {
  if (!view) return null;
  const path = summaryPath(view, '').replace(/\.?$/, '');
  return { summary: view.summary, path: path === '' ? prefix : `${prefix}.${path}` };
}

/** One row per rate either run tried (ascending), then both runs as a whole. */
export function compareRows(a: LagRun, b: LagRun): CompareRow[] {
  const viewsA = stepViews(a.summary, a.run);
  const viewsB = stepViews(b.summary, b.run);
  const rates = [...new Set([...viewsA, ...viewsB].map((v) => v.rateHz))]
    .sort((x, y) => (x ?? -1) - (y ?? -1));
  const rows: CompareRow[] = rates.map((rateHz) => ({
    rateHz,
    label: rateLabel(rateHz),
    a: side(viewsA.find((v) => v.rateHz === rateHz), 'a'),
    b: side(viewsB.find((v) => v.rateHz === rateHz), 'b'),
  }));

  // The whole-run row says nothing new when both runs are one and the same single rate.
  const sameSingleRate = rows.length === 1 && rows[0]?.a && rows[0]?.b;
  if (!sameSingleRate) {
    rows.push({ rateHz: null, label: 'all rates', a: { summary: a.summary, path: 'a' },
      b: { summary: b.summary, path: 'b' } });
  }
  return rows;
}

const lagOf = (s: CompareSide | null, key: Percentile) => s?.summary.lagMs[key] ?? null;

export function compareTable(rows: readonly CompareRow[]): TextTable {
  const head = ['rate'];
  for (const key of COMPARE_PERCENTILES) head.push(`A ${key}`, `B ${key}`, 'B/A');
  head.push('lost A', 'lost B');

  const figure = (s: CompareSide | null, key: string) => (s ? `${s.path}.${key}` : null);
  return {
    title: 'Lag, A against B (ms)',
    head,
    rows: rows.map((row) => [
      row.label,
      ...COMPARE_PERCENTILES.flatMap((key) => [formatMs(lagOf(row.a, key)),
        formatMs(lagOf(row.b, key)), formatRatio(lagRatio(lagOf(row.a, key), lagOf(row.b, key)))]),
      row.a ? String(row.a.summary.lost) : '–',
      row.b ? String(row.b.summary.lost) : '–',
    ]),
    numericColumns: head.map((_, i) => i).slice(1),
    note: 'B/A below 1 means B has less lag. "–": the run did not try that rate.',
    figures: rows.map((row) => [null,
      ...COMPARE_PERCENTILES.flatMap((key) => [figure(row.a, `lagMs.${key}`),
        figure(row.b, `lagMs.${key}`), null]),
      figure(row.a, 'lost'), figure(row.b, 'lost')]),
  };
}

/** The two runs: which is which, their tuning, write path, watcher, rates and knee. */
export function runsTable(a: LagRun, b: LagRun): TextTable {
  const describe = (label: string, run: LagRun) => {
    const knee = run.summary.knee;
    return [
      label,
      run.runName,
      run.summary.tuning?.name ?? 'not recorded',
      run.summary.via ?? 'not recorded',
      run.summary.watcher ? run.summary.watcher.kind ?? 'wire' : 'not recorded',
      formatMs(run.summary.watcherResolutionMs),
      stepViews(run.summary, run.run).map((v) => formatRate(v.rateHz)).join(', '),
      knee ? formatRate(knee.kneeRateHz) : '–',
      knee ? (knee.firstUnboundedRateHz === null ? 'none'
        : formatRate(knee.firstUnboundedRateHz)) : '–',
    ];
  };
  return {
    title: 'Runs',
    head: ['', 'run', 'tuning', 'via', 'watcher', 'resolution (ms)', 'rates (rows/s)',
      'bounded up to', 'first unbounded'],
    rows: [describe('A', a), describe('B', b)],
    numericColumns: [5, 7, 8],
    figures: ([['a', a], ['b', b]] as const).map(([key, run]) => {
      // "none" is a word, not a printed null: that cell names no figure.
      const knee = run.summary.knee;
      return [null, null, null, null, null, `${key}.watcherResolutionMs`, null,
        knee ? `${key}.knee.kneeRateHz` : null,
        knee && knee.firstUnboundedRateHz !== null ? `${key}.knee.firstUnboundedRateHz` : null];
    }),
  };
}

/** "A: <knee sentence>" for each run that has one. */
export function verdictLines(a: LagRun, b: LagRun): string[] {
  return ([['A', a], ['B', b]] as const).flatMap(([letter, run]) => {
    const sentence = kneeSentence(run.summary);
    return sentence ? [`${letter}: ${sentence}`] : [];
  });
}

/** The comparison for scripts: both summaries whole, and the matched rows with ratios. */
export function compareJson(a: LagRun, b: LagRun): unknown {
  return {
    a: { run: a.runName, summary: a.summary },
    b: { run: b.runName, summary: b.summary },
    rows: compareRows(a, b).map((row) => ({
      rateHz: row.rateHz,
      label: row.label,
      ...Object.fromEntries(COMPARE_PERCENTILES.map((key) => [key, {
        a: lagOf(row.a, key), b: lagOf(row.b, key),
        ratio: lagRatio(lagOf(row.a, key), lagOf(row.b, key)),
      }])),
    })),
  };
}

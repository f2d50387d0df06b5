/**
 * The tables of a lag summary as rows of display strings, shared by the terminal, Markdown
 * and HTML renderers so all three show the same numbers formatted the same way.
 */
import type { MsSummary } from '../measure/histogram.js';
import type { LagSummary } from '../measure/lag-summary.js';
import { STAGES } from '../measure/lag-sample.js';

export interface TextTable {
  title: string;
  head: string[];
  rows: string[][];
  /** Columns whose cells are numbers, to align right. */
  numericColumns: number[];
  note?: string;
  /**
   * Per cell, the JSON path in summary.json of the figure it prints (e.g. "lagMs.p99"), or
   * null; the HTML report tags cells with it so a test can check every number against the file.
   */
  figures?: (string | null)[][];
}

/** Milliseconds at a fixed 2 decimals (10 µs): finer than any lag the watcher can resolve. */
export function formatMs(value: number | null): string {
  return value === null ? '–' : value.toFixed(2);
}

export function formatBytes(bytes: number): string {
  const gib = bytes / 2 ** 30;
  return gib >= 1 ? `${gib.toFixed(1)} GiB` : `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

const COUNT_KEYS = ['count', 'seen', 'lost', 'duplicates', 'watcherResolutionMs'] as const;

export function countsTable(summary: LagSummary): TextTable {
  return {
    title: 'Rows',
    head: ['rows', 'seen', 'lost', 'duplicates', 'watcher resolution (ms)'],
    rows: [[
      String(summary.count),
      String(summary.seen),
      String(summary.lost),
      String(summary.duplicates),
      formatMs(summary.watcherResolutionMs),
    ]],
    numericColumns: [0, 1, 2, 3, 4],
    note: 'Lost: never seen within the timeout. Duplicates: extra rows for one userId.',
    figures: [[...COUNT_KEYS]],
  };
}

const LAG_COLUMNS = [
  ['min', 'min'], ['p50', 'p50'], ['p90', 'p90'], ['p95', 'p95'], ['p99', 'p99'],
  ['p99.9', 'p999'], ['max', 'max'], ['mean', 'mean'],
] as const satisfies readonly (readonly [string, keyof MsSummary])[];

export function lagTable(summary: LagSummary): TextTable {
  return {
    title: 'Replication lag, commit to visible (ms)',
    head: LAG_COLUMNS.map(([name]) => name),
    rows: [LAG_COLUMNS.map(([, key]) => formatMs(summary.lagMs[key]))],
    numericColumns: LAG_COLUMNS.map((_, i) => i),
    note: `Over ${summary.lagMs.count} seen rows; no figure is finer than the watcher's ` +
      `${formatMs(summary.watcherResolutionMs)} ms poll.`,
    figures: [LAG_COLUMNS.map(([, key]) => `lagMs.${key}`)],
  };
}

const STAGE_KEYS = ['count', 'mean', 'p50', 'p95', 'p99', 'max', 'clampedNegative'] as const;

export function stagesTable(summary: LagSummary): TextTable {
  const rows = STAGES.map(({ name }) => {
    const s = summary.stages[name];
    return [
      name, s.label, String(s.count), formatMs(s.mean), formatMs(s.p50), formatMs(s.p95),
      formatMs(s.p99), formatMs(s.max), String(s.clampedNegative),
    ];
  });
  return {
    title: 'Lag by stage (ms)',
    head: ['stage', 'from → to', 'n', 'mean', 'p50', 'p95', 'p99', 'max', '< 0'],
    rows,
    numericColumns: [2, 3, 4, 5, 6, 7, 8],
    note: 'Stage means add up to the mean lag; percentiles do not add up. "< 0" counts ' +
      'durations below zero (clocks of whole-ms resolution), shown as 0 in percentiles.',
    figures: STAGES.map(({ name }) =>
      [null, null, ...STAGE_KEYS.map((key) => `stages.${name}.${key}`)]),
  };
}

export function summaryTables(summary: LagSummary): TextTable[] {
  return [countsTable(summary), lagTable(summary), stagesTable(summary)];
}

/** A parameter or version value as one line of text. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

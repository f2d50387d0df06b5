/**
 * `authlab report A --compare B`: the two runs side by side on the terminal, in Markdown,
 * and as a self-contained HTML page written into A's folder as compare-<B>.html, with the
 * lag CDFs of both runs overlaid at each rate they share and lag against rate for both.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { cdfAxis, cdfPoints, rateAxis, sortedSeenLags } from './lag-charts.js';
import type { LagRun } from './lag-report.js';
import { rateLabel, samplesOfStep, stepViews } from './lag-run-summary.js';
import {
  compareRows, compareTable, runsTable, verdictLines, type CompareRow,
} from './compare-tables.js';
import {
  chartFigure, embeddedJson, escapeHtml, htmlPage, htmlTable, tableSection,
} from './html-page.js';
import { markdownSection } from './render-markdown.js';
import { renderTextTable } from './render-terminal.js';
import { formatMs, formatValue } from './summary-tables.js';
import { PALETTE, lineChart, type Point, type Series } from './svg-charts.js';
import { niceDomain } from './svg-scale.js';

const WIDTH_PX = 880;
const COLOR = { a: PALETTE[0] as string, b: PALETTE[1] as string };

export function compareFileName(b: LagRun): string {
  return `compare-${b.runName}.html`;
}

export function renderCompareTerminal(a: LagRun, b: LagRun): string {
  return `${[renderTextTable(runsTable(a, b)), ...verdictLines(a, b),
    '', renderTextTable(compareTable(compareRows(a, b)))].join('\n')}\n`;
}

export function renderCompareMarkdown(a: LagRun, b: LagRun): string {
  return [
    `# replication-lag: ${a.runName} (A) against ${b.runName} (B)\n`,
    markdownSection(runsTable(a, b)),
    ...verdictLines(a, b).map((line) => `${line}\n`),
    markdownSection(compareTable(compareRows(a, b))),
  ].join('\n');
}

function who(run: LagRun, letter: 'A' | 'B'): string {
  return run.summary.tuning ? `${letter} (${run.summary.tuning.name})` : letter;
}

/** The seen lags of one run at one rate (all its rows for the whole-run row). */
function lagsAt(run: LagRun, rateHz: number | null): number[] {
  if (rateHz === null) return sortedSeenLags(run.samples);
  const view = stepViews(run.summary, run.run).find((v) => v.rateHz === rateHz);
  return view ? sortedSeenLags(samplesOfStep(view, run.samples)) : [];
}

function cdfChart(a: LagRun, b: LagRun, row: CompareRow): string {
  const line = (run: LagRun, letter: 'A' | 'B', color: string, dashed: boolean): Series => {
    const lag = (letter === 'A' ? row.a : row.b)?.summary.lagMs;
    return {
      name: who(run, letter), points: cdfPoints(lagsAt(run, row.rateHz)), color, dashed,
      legend: `${who(run, letter)}: p50 ${formatMs(lag?.p50 ?? null)}, ` +
        `p99 ${formatMs(lag?.p99 ?? null)} ms`,
    };
  };
  const series = [line(a, 'A', COLOR.a, false), line(b, 'B', COLOR.b, true)];
  return lineChart({
    title: `Lag distribution, ${row.rateHz === null ? 'all rates' : rateLabel(row.rateHz)}`,
    ...cdfAxis(series),
    yLabel: 'fraction of rows at or below',
    yDomain: [0, 1],
    series,
    legendPlacement: 'below',
    width: WIDTH_PX,
    height: 280,
  });
}

function lagVsRateChart(a: LagRun, b: LagRun, rows: readonly CompareRow[]): string {
  const rated = rows.filter((row) => row.rateHz !== null);
  const points = (letter: 'a' | 'b', key: 'p50' | 'p99') => rated.flatMap((row, i): Point[] => {
    const value = row[letter]?.summary.lagMs[key] ?? null;
    return value === null ? [] : [[i, value]];
  });
  const series: Series[] = [
    { name: 'A p50', points: points('a', 'p50'), color: COLOR.a, legend: `${who(a, 'A')} p50` },
    { name: 'A p99', points: points('a', 'p99'), color: COLOR.a, dashed: true,
      legend: `${who(a, 'A')} p99` },
    { name: 'B p50', points: points('b', 'p50'), color: COLOR.b, legend: `${who(b, 'B')} p50` },
    { name: 'B p99', points: points('b', 'p99'), color: COLOR.b, dashed: true,
      legend: `${who(b, 'B')} p99` },
  ];
  const top = Math.max(1, ...series.flatMap((s) => s.points.map(([, y]) => y)));
  return lineChart({
    title: 'Lag against write rate, A and B',
    ...rateAxis(rated.map((row) => row.rateHz)),
    yLabel: 'lag (ms)',
    yDomain: niceDomain(0, top),
    series,
    showPoints: true,
    legendPlacement: 'below',
    width: WIDTH_PX,
  });
}

/** CDFs at each rate both runs tried; the whole runs' CDFs when they share none. */
function cdfRows(rows: readonly CompareRow[]): CompareRow[] {
  const shared = rows.filter((row) => row.rateHz !== null && row.a && row.b);
  return shared.length > 0 ? shared : rows.filter((row) => row.rateHz === null).slice(0, 1);
}

export function renderCompareHtml(a: LagRun, b: LagRun): string {
  const rows = compareRows(a, b);
  const runs = runsTable(a, b);
  return htmlPage(`replication-lag: ${a.runName} (A) against ${b.runName} (B)`, [
    tableSection(runs, 'runs'),
    ...verdictLines(a, b).map((line) => `<p class="verdict">${escapeHtml(line)}</p>`),
    tableSection(compareTable(rows), 'compare'),
    '<section><h2>Charts</h2>',
    ...cdfRows(rows).map((row) => chartFigure(`compare-cdf-${row.rateHz ?? 'all'}`,
      cdfChart(a, b, row), 'A solid, B dashed.')),
    chartFigure('compare-lag-vs-rate', lagVsRateChart(a, b, rows),
      'Median (solid) and 99th-percentile (dashed) lag at each rate either run tried.'),
    '</section>',
    `<section><h2>Parameters</h2>${htmlTable(['name', 'A', 'B'], parameterRows(a, b))}</section>`,
    embeddedJson('summaries', { a: a.summary, b: b.summary }),
  ]);
}

function parameterRows(a: LagRun, b: LagRun): string[][] {
  const names = [...new Set([...Object.keys(a.run.parameters), ...Object.keys(b.run.parameters)])];
  return names.map((name) =>
    [name, formatValue(a.run.parameters[name]), formatValue(b.run.parameters[name])]);
}

/** Writes compare-<B>.html into A's folder; returns its path. */
export async function writeCompareHtml(folderPath: string, a: LagRun, b: LagRun) {
  const path = join(folderPath, compareFileName(b));
  await writeFile(path, renderCompareHtml(a, b));
  return path;
}

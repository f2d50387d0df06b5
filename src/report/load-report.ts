/**
 * Reports of `load` and `scale-auth` runs: loading a run folder back (run.json, summary.json,
 * the per-second series), the terminal tables, and writing report.md and report.html.
 * `authlab report` dispatches here when run.json's experiment is one of LOAD_EXPERIMENTS.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Table from 'cli-table3';

import { COMPACT_TABLE } from '../cli/table-style.js';

import { badInput } from '../errors.js';
import { readCsvRecords } from '../measure/csv.js';
import { LOAD_FILES, type LoadSummary, type SeriesRow } from '../load/load-results.js';
import type { OperationName } from '../load/mix.js';
import type { ScaleSummary } from '../load/scale-summary.js';
import { renderLoadHtml, renderLoadMarkdown } from './load-pages.js';
import { loadTables, scaleTables } from './load-tables.js';
import {
  RUN_FILES, readRunInfo, readSummaryJson, type RunFolder, type RunInfo,
} from './run-folder.js';
import type { TextTable } from './summary-tables.js';

export { renderLoadMarkdown } from './load-pages.js';

export const LOAD_EXPERIMENTS: readonly string[] = ['load', 'scale-auth'];

export function isLoadExperiment(experiment: string): boolean {
  return LOAD_EXPERIMENTS.includes(experiment);
}

export interface LoadRun {
  runName: string;
  run: RunInfo;
  summary: LoadSummary | ScaleSummary;
  /** Per-second rows by series file: '' for a load run, '-r2' for the 2-replica step. */
  series: Map<string, SeriesRow[]>;
}

export function isLoadSummary(value: unknown): value is LoadSummary {
  const v = value as Partial<LoadSummary> | null;
  return typeof v === 'object' && v !== null && v.kind === 'load' &&
    typeof v.overall === 'object' && typeof v.operations === 'object';
}

export function isScaleSummary(value: unknown): value is ScaleSummary {
  const v = value as Partial<ScaleSummary> | null;
  return typeof v === 'object' && v !== null && v.kind === 'scale-auth' && Array.isArray(v.steps);
}

const nullableNumber = (text: string | undefined) => (text ? Number(text) : null);

export async function readSeries(path: string): Promise<SeriesRow[]> {
  const rows: SeriesRow[] = [];
  let header = true;
  for await (const record of readCsvRecords(path)) {
    if (header) {
      header = false;
      continue;
    }
    const f = record.fields;
    rows.push({
      second: Number(f[0]), operation: f[1] as OperationName | 'all', answered: Number(f[2]),
      ok: Number(f[3]), errors: Number(f[4]), timeouts: Number(f[5]),
      p50Ms: nullableNumber(f[6]), p90Ms: nullableNumber(f[7]), p99Ms: nullableNumber(f[8]),
      maxMs: nullableNumber(f[9]),
    });
  }
  return rows;
}

export async function loadLoadRun(folder: RunFolder): Promise<LoadRun> {
  const run = await readRunInfo(folder.path);
  const summary = await readSummaryJson(folder.path);
  if (!isLoadSummary(summary) && !isScaleSummary(summary)) {
    throw badInput(`${join(folder.path, RUN_FILES.summary)} is not a load or scale-auth ` +
      `summary; run ${folder.name} is a "${run.experiment}" run`);
  }
  const series = new Map<string, SeriesRow[]>();
  const files = isScaleSummary(summary) ?
    summary.steps.map((step) => [`-r${step.replicas}`, step.files.series] as const) :
    [['', LOAD_FILES.series] as const];
  for (const [key, file] of files) series.set(key, await readSeries(join(folder.path, file)));
  return { runName: folder.name, run, summary, series };
}

function renderTable(table: TextTable): string {
  const cli = new Table({
    ...COMPACT_TABLE,
    head: table.head,
    colAligns: table.head.map((_, i) => (table.numericColumns.includes(i) ? 'right' : 'left')),
  });
  for (const row of table.rows) cli.push(row);
  return [table.title, cli.toString(), ...(table.note ? [table.note] : [])].join('\n');
}

export function renderLoadTerminal(summary: LoadSummary): string {
  return `${loadTables(summary).map(renderTable).join('\n\n')}\n`;
}

export function renderScaleTerminal(summary: ScaleSummary): string {
  return `${scaleTables(summary).map(renderTable).join('\n\n')}\n`;
}

/** The run's tables for stdout, whichever of the two experiments it is. */
export function renderLoadRunTerminal(loadRun: LoadRun): string {
  const { summary } = loadRun;
  return isScaleSummary(summary) ? renderScaleTerminal(summary) : renderLoadTerminal(summary);
}

/** Writes report.md and report.html into the run folder; returns their paths. */
export async function writeLoadReports(folderPath: string, loadRun: LoadRun): Promise<string[]> {
  const markdownPath = join(folderPath, RUN_FILES.reportMarkdown);
  const htmlPath = join(folderPath, RUN_FILES.reportHtml);
  await writeFile(markdownPath, renderLoadMarkdown(loadRun));
  await writeFile(htmlPath, renderLoadHtml(loadRun));
  return [markdownPath, htmlPath];
}

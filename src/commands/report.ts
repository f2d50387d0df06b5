/**
 * `authlab report [RUN] [--compare OTHER] [--format table|markdown|json]`: render a run
 * (default: the latest) on the terminal and write its report.md and report.html into the
 * run folder; with --compare, set it against another run and write compare-<OTHER>.html.
 */
import type { LabConfig } from '../config/lab-config.js';
import { badInput } from '../errors.js';
import { loadLagRun, writeLagReports, type LagRun } from '../report/lag-report.js';
import {
  renderCompareMarkdown, renderCompareTerminal, writeCompareHtml,
} from '../report/render-compare.js';
import { compareJson } from '../report/compare-tables.js';
import {
  isLoadExperiment, loadLoadRun, renderLoadMarkdown, renderLoadRunTerminal, writeLoadReports,
} from '../report/load-report.js';
import { renderMarkdown } from '../report/render-markdown.js';
import { renderTerminal } from '../report/render-terminal.js';
import { readSummaryJson, resolveRun, type RunFolder } from '../report/run-folder.js';

export interface ReportCommandOptions {
  format: 'table' | 'json' | 'markdown';
  /** Another run (name, path or "latest") to set the reported run against. */
  compare?: string;
}

const LAG_EXPERIMENT = 'replication-lag';

export async function writeReportFiles(folder: RunFolder): Promise<string[]> {
  if (isLoadExperiment(folder.experiment)) {
    return writeLoadReports(folder.path, await loadLoadRun(folder));
  }
  return writeLagReports(folder.path, await loadLagRun(folder));
}

/** Load and scale-auth runs have reports of their own. */
async function reportLoadRun(folder: RunFolder, format: ReportCommandOptions['format']) {
  const loadRun = await loadLoadRun(folder);
  const written = await writeLoadReports(folder.path, loadRun);
  if (format === 'markdown') {
    print(renderLoadMarkdown(loadRun));
    return 0;
  }
  print(`run ${folder.name}\n${renderLoadRunTerminal(loadRun)}reports: ${written.join(', ')}\n`);
  return 0;
}

function print(text: string): void {
  process.stdout.write(text);
}

async function loadComparable(folder: RunFolder, role: string): Promise<LagRun> {
  if (folder.experiment !== LAG_EXPERIMENT) {
    throw badInput(`--compare works on ${LAG_EXPERIMENT} runs; ${role} ${folder.name} is a ` +
      `"${folder.experiment}" run`);
  }
  return loadLagRun(folder);
}

async function compareCommand(
  config: LabConfig, folder: RunFolder, otherRef: string, format: ReportCommandOptions['format'],
): Promise<number> {
  const other = await resolveRun(config.resultsDir, otherRef);
  const a = await loadComparable(folder, 'run');
  const b = await loadComparable(other, '--compare run');
  if (format === 'json') {
    print(`${JSON.stringify(compareJson(a, b), null, 2)}\n`);
    return 0;
  }

  const page = await writeCompareHtml(folder.path, a, b);
  if (format === 'markdown') {
    print(renderCompareMarkdown(a, b));
    return 0;
  }
  print(`run A ${a.runName}\nrun B ${b.runName}\n${renderCompareTerminal(a, b)}` +
    `comparison page: ${page}\n`);
  return 0;
}

export async function reportCommand(
  config: LabConfig, ref: string | undefined, options: ReportCommandOptions,
): Promise<number> {
  const folder = await resolveRun(config.resultsDir, ref ?? 'latest');
  if (options.compare !== undefined) {
    return compareCommand(config, folder, options.compare, options.format);
  }
  if (options.format === 'json') {
    // summary.json as recorded, whatever the experiment: the figures scripts work from.
    print(`${JSON.stringify(await readSummaryJson(folder.path), null, 2)}\n`);
    return 0;
  }

  if (isLoadExperiment(folder.experiment)) return reportLoadRun(folder, options.format);

  const lagRun = await loadLagRun(folder);
  const written = await writeLagReports(folder.path, lagRun);
  if (options.format === 'markdown') {
    print(renderMarkdown(lagRun.run, lagRun.summary, { runName: folder.name }));
    return 0;
  }
  print(`run ${folder.name}\n${renderTerminal(lagRun.summary, lagRun.run)}` +
    `reports: ${written.join(', ')}\n`);
  return 0;
}

/**
 * `authlab report [RUN]`: render a run (default: the latest) on the terminal and write its
 * report.md and report.html into the run folder.
 */
import type { LabConfig } from '../config/lab-config.js';
import { loadLagRun, writeLagReports } from '../report/lag-report.js';
import { renderMarkdown } from '../report/render-markdown.js';
import { renderTerminal } from '../report/render-terminal.js';
import { resolveRun, type RunFolder } from '../report/run-folder.js';

export async function writeReportFiles(folder: RunFolder): Promise<string[]> {
  return writeLagReports(folder.path, await loadLagRun(folder));
}

export async function reportCommand(
  config: LabConfig, ref: string | undefined, options: { format: 'table' | 'json' | 'markdown' },
) {
  const folder = await resolveRun(config.resultsDir, ref ?? 'latest');
  const lagRun = await loadLagRun(folder);
  if (options.format === 'json') {
    process.stdout.write(`${JSON.stringify(lagRun.summary, null, 2)}\n`);
    return 0;
  }

  const written = await writeLagReports(folder.path, lagRun);
  if (options.format === 'markdown') {
    process.stdout.write(renderMarkdown(lagRun.run, lagRun.summary, { runName: folder.name }));
    return 0;
  }
  process.stdout.write(`run ${folder.name}\n${renderTerminal(lagRun.summary)}` +
    `reports: ${written.join(', ')}\n`);
  return 0;
}

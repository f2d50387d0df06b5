/**
 * Loading a replication-lag run folder back (run.json, summary.json, samples.csv) and
 * writing its report.md and report.html: the glue `authlab report` and the experiment use.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { badInput } from '../errors.js';
import { readLagSamples, type LagSample } from '../measure/lag-sample.js';
import type { LagSummary } from '../measure/lag-summary.js';
import type { ReplicationLagSummary } from './lag-run-summary.js';
import { renderHtml } from './render-html.js';
import { renderMarkdown } from './render-markdown.js';
import {
  RUN_FILES, readRunInfo, readSummaryJson, type RunFolder, type RunInfo,
} from './run-folder.js';

export interface LagRun {
  runName: string;
  run: RunInfo;
  summary: ReplicationLagSummary;
  samples: LagSample[];
}

export function isLagSummary(value: unknown): value is LagSummary {
  const v = value as Partial<LagSummary> | null;
  return typeof v === 'object' && v !== null && typeof v.count === 'number' &&
    typeof v.lagMs === 'object' && typeof v.stages === 'object' &&
    typeof v.watcherResolutionMs === 'number';
}

export async function loadLagRun(folder: RunFolder): Promise<LagRun> {
  const run = await readRunInfo(folder.path);
  const summary = await readSummaryJson(folder.path);
  if (!isLagSummary(summary)) {
    throw badInput(`${join(folder.path, RUN_FILES.summary)} is not a replication-lag summary; ` +
      `run ${folder.name} is a "${run.experiment}" run`);
  }
  const samples = await readLagSamples(join(folder.path, RUN_FILES.samples));
  return { runName: folder.name, run, summary, samples };
}

/** Writes report.md and report.html into the run folder; returns their paths. */
export async function writeLagReports(folderPath: string, input: LagRun): Promise<string[]> {
  const markdownPath = join(folderPath, RUN_FILES.reportMarkdown);
  const htmlPath = join(folderPath, RUN_FILES.reportHtml);
  const { run, summary, samples, runName } = input;
  await writeFile(markdownPath, renderMarkdown(run, summary, { runName }));
  await writeFile(htmlPath, renderHtml(run, summary, samples, { runName }));
  return [markdownPath, htmlPath];
}

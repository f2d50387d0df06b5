/**
 * report.html of a replication-lag run: one self-contained page (inline CSS, inline SVG, no
 * script, no external file) that reads offline. Its tables and chart labels come from the
 * same summary object as summary.json, which is also embedded as JSON for tools; each number
 * cell names its figure in summary.json (data-figure), each chart its kind (data-chart).
 */
import type { LagSample } from '../measure/lag-sample.js';
import { lagCharts, type ReportChart } from './lag-charts.js';
import {
  kneeSentence, runNotes, stepViews, tuningSettings, type ReplicationLagSummary,
} from './lag-run-summary.js';
import {
  aboutRows, hostRows, lagReportTables, parameterRows,
} from './lag-step-tables.js';
import {
  chartFigure, embeddedJson, escapeHtml, htmlPage, htmlTable, keyValueSection, tableSection,
} from './html-page.js';
import type { ReportOptions } from './render-markdown.js';
import type { RunInfo } from './run-folder.js';

const CAPTIONS: Record<ReportChart['id'], string> = {
  'lag-cdf': 'Share of rows visible in Mongo within a given lag, one line per write rate.',
  'lag-timeline': 'Each seen row at its commit time; a rising band means the pipeline falls ' +
    'behind. Rows never seen are drawn at the top.',
  'stage-breakdown': 'Median time in each pipeline stage, per write rate.',
  'lag-vs-rate': 'Median and 99th-percentile lag at each write rate.',
};

/** The verdict paragraph: the knee sentence, tagged for tests and tools. */
function verdict(summary: ReplicationLagSummary): string {
  const sentence = kneeSentence(summary);
  if (sentence === null) return '';
  const knee = summary.knee;
  return `<p class="verdict" data-knee-rate="${knee?.kneeRateHz ?? ''}" ` +
    `data-first-unbounded-rate="${knee?.firstUnboundedRateHz ?? ''}">` +
    `${escapeHtml(sentence)}</p>`;
}

/** The page; `samples` feed the charts only, every printed number is from `summary`. */
export function renderHtml(
  run: RunInfo,
  summary: ReplicationLagSummary,
  samples: readonly LagSample[],
  options: ReportOptions = {},
): string {
  const heading = options.runName ? `${run.experiment}: ${options.runName}` : run.experiment;
  const tables = lagReportTables(summary, run);
  const [stepsTable, ...otherTables] = tables;
  const charts = lagCharts(summary, samples, run);
  const tuning = summary.tuning;

  return htmlPage(heading, [
    htmlTable([], aboutRows(run, summary, options.runName)),
    ...runNotes(summary, run).map((note) => `<p class="run-note">${escapeHtml(note)}</p>`),
    verdict(summary),
    stepsTable ? tableSection(stepsTable, 'steps') : '',
    `<section><h2>Charts</h2>${stepViews(summary, run).length > 1 ? '' :
      '<p class="note">One write rate: run a sweep (--rates) to see lag against rate.</p>'}`,
    ...charts.map((chart) => chartFigure(chart.id, chart.svg, CAPTIONS[chart.id])),
    '</section>',
    ...otherTables.map((table) => tableSection(table)),
    tuning ? keyValueSection(`Tuning profile "${tuning.name}"`,
      [['description', tuning.description], ...tuningSettings(tuning)]) : '',
    keyValueSection('Parameters', parameterRows(run)),
    keyValueSection('Host', hostRows(run)),
    keyValueSection('Versions', Object.entries(run.versions)),
    embeddedJson('summary', summary),
  ]);
}

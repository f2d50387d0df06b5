/**
 * report.md and report.html of load and scale-auth runs. Every printed number comes from
 * summary.json (through load-tables.ts); the per-second series feeds the charts only. The
 * HTML page is self-contained: inline CSS and SVG, no script, readable offline.
 */
import type { SeriesRow } from '../load/load-results.js';
import type { ScaleSummary } from '../load/scale-summary.js';
import type { LoadRun } from './load-report.js';
import { loadTables, scaleTables } from './load-tables.js';
import { markdownTable } from './render-markdown.js';
import type { RunInfo } from './run-folder.js';
import { formatBytes, formatValue, type TextTable } from './summary-tables.js';
import { barChart, lineChart, type Point } from './svg-charts.js';
import { embeddedJson, escapeHtml, htmlPage } from './html-page.js';

function tablesOf(loadRun: LoadRun): TextTable[] {
  const { summary } = loadRun;
  return summary.kind === 'scale-auth' ? scaleTables(summary) : loadTables(summary);
}

function aboutRows(loadRun: LoadRun): { about: string[][]; host: string[][]; params: string[][] } {
  const run: RunInfo = loadRun.run;
  return {
    about: [['experiment', run.experiment], ['run', loadRun.runName], ['started', run.startedAt],
      ['ended', run.endedAt ?? 'did not finish'], ['runtime', run.runtime],
      ['git commit', run.gitCommit ?? 'unknown']],
    host: [['cores', String(run.host.cores)], ['memory', formatBytes(run.host.memoryBytes)],
      ['platform', run.host.platform], ['node', run.host.node]],
    params: Object.entries(run.parameters).map(([k, v]) => [k, formatValue(v)]),
  };
}

export function renderLoadMarkdown(loadRun: LoadRun): string {
  const { about, host, params } = aboutRows(loadRun);
  const section = (t: TextTable) => `## ${t.title}\n\n` +
    `${markdownTable(t.head, t.rows, t.numericColumns)}\n${t.note ? `\n${t.note}\n` : ''}`;
  const keyValues = (rows: string[][]) => `${markdownTable(['name', 'value'], rows)}\n`;
  return [
    `# ${loadRun.run.experiment}: ${loadRun.runName}\n`,
    keyValues(about),
    ...tablesOf(loadRun).map(section),
    `## Parameters\n\n${keyValues(params)}`,
    `## Host\n\n${keyValues(host)}`,
    `## Versions\n\n${keyValues(Object.entries(loadRun.run.versions))}`,
  ].join('\n');
}

function htmlTable(head: readonly string[], rows: readonly string[][], numeric: number[] = []) {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((value, i) =>
    `<td${numeric.includes(i) ? ' class="num"' : ''}>${escapeHtml(value)}</td>`).join('')}</tr>`);
  return `<table>${head.length ? `<thead><tr>${th}</tr></thead>` : ''}` +
    `<tbody>${body.join('')}</tbody></table>`;
}

function htmlSection(table: TextTable): string {
  const note = table.note ? `<p class="note">${escapeHtml(table.note)}</p>` : '';
  return `<section><h2>${escapeHtml(table.title)}</h2>` +
    `${htmlTable(table.head, table.rows, table.numericColumns)}${note}</section>`;
}

function seriesCharts(rows: readonly SeriesRow[], label: string): string[] {
  const all = rows.filter((row) => row.operation === 'all');
  const points = (pick: (row: SeriesRow) => number | null): Point[] => all
    .filter((row) => pick(row) !== null).map((row) => [row.second, pick(row) as number]);
  return [
    lineChart({ title: `Answers per second${label}`, xLabel: 's since the window opened',
      yLabel: 'answers/s', series: [{ name: 'answers', points: points((r) => r.answered) },
        { name: 'errors', points: points((r) => r.errors), color: '#b83b3b' }] }),
    lineChart({ title: `Latency per second${label} (by completion)`,
      xLabel: 's since the window opened', yLabel: 'ms',
      series: [{ name: 'p50', points: points((r) => r.p50Ms) },
        { name: 'p99', points: points((r) => r.p99Ms) },
        { name: 'max', points: points((r) => r.maxMs) }] }),
  ];
}

function scaleCharts(summary: ScaleSummary): string[] {
  return [
    barChart({ title: '2xx answers per second by replica count', xLabel: 'answers/s',
      bars: summary.steps.map((s) => ({ label: `${s.replicas} replica(s)`, value: s.throughputHz,
        valueText: s.throughputHz.toFixed(1) })) }),
    barChart({ title: 'Scaling efficiency (1.00 = linear)', xLabel: 'efficiency',
      bars: summary.steps.map((s) => ({ label: `${s.replicas} replica(s)`,
        value: s.efficiency ?? 0 })) }),
  ];
}

function charts(loadRun: LoadRun): string[] {
  const { summary } = loadRun;
  if (summary.kind === 'load') return seriesCharts(loadRun.series.get('') ?? [], '');
  return [...scaleCharts(summary), ...summary.steps.flatMap((step) =>
    seriesCharts(loadRun.series.get(`-r${step.replicas}`) ?? [], `, ${step.replicas} replica(s)`))];
}

export function renderLoadHtml(loadRun: LoadRun): string {
  const { about, host, params } = aboutRows(loadRun);
  const heading = `${loadRun.run.experiment}: ${loadRun.runName}`;
  const keyValues = (title: string, rows: string[][]) =>
    `<section><h2>${escapeHtml(title)}</h2>${htmlTable(['name', 'value'], rows)}</section>`;
  return htmlPage(heading, [
    htmlTable([], about),
    ...tablesOf(loadRun).map(htmlSection),
    '<section><h2>Charts</h2>',
    ...charts(loadRun).map((svg) => `<figure>${svg}</figure>`),
    '</section>',
    keyValues('Parameters', params),
    keyValues('Host', host),
    keyValues('Versions', Object.entries(loadRun.run.versions)),
    embeddedJson('summary', loadRun.summary),
  ]);
}

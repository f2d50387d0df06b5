/**
 * report.html of a replication-lag run: one self-contained page (inline CSS, inline SVG, no
 * script, no external file) that reads offline. Its tables and chart labels come from the
 * same summary object as summary.json, which is also embedded as JSON for tools.
 */
import type { LagSample } from '../measure/lag-sample.js';
import type { LagSummary } from '../measure/lag-summary.js';
import { lagCdfChart, lagTimelineChart, stageBarChart } from './lag-charts.js';
import type { ReportOptions } from './render-markdown.js';
import type { RunInfo } from './run-folder.js';
import { escapeXml as escapeHtml } from './svg-scale.js';
import { formatBytes, formatValue, summaryTables, type TextTable } from './summary-tables.js';


const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; color: #222; margin: 2rem auto; max-width: 60rem;
  padding: 0 1rem; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { border: 1px solid #ccc; padding: .25rem .6rem; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f4f4f4; }
p.note { color: #555; font-size: .9em; margin: .25rem 0 1rem; }
figure { margin: 1rem 0; } svg { max-width: 100%; height: auto; }
`;

/** A table; with an empty head it has no header row. */
function htmlTable(
  head: readonly string[],
  rows: readonly string[][],
  numericColumns: readonly number[] = [],
): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const thead = head.length === 0 ? '' : `<thead><tr>${th}</tr></thead>`;
  const body = rows.map((row) => {
    const cells = row.map((value, i) => {
      const cls = numericColumns.includes(i) ? ' class="num"' : '';
      return `<td${cls}>${escapeHtml(value)}</td>`;
    });
    return `<tr>${cells.join('')}</tr>`;
  });
  return `<table>${thead}<tbody>${body.join('')}</tbody></table>`;
}

function tableSection(table: TextTable): string {
  const note = table.note ? `<p class="note">${escapeHtml(table.note)}</p>` : '';
  return `<section><h2>${escapeHtml(table.title)}</h2>` +
    `${htmlTable(table.head, table.rows, table.numericColumns)}${note}</section>`;
}

function keyValueSection(title: string, entries: readonly [string, string][]): string {
  const body = entries.length === 0 ? '<p>(none)</p>' : htmlTable(['name', 'value'], entries);
  return `<section><h2>${escapeHtml(title)}</h2>${body}</section>`;
}

/** JSON inside a script element: "</" and U+2028/9 must not end or break it. */
function embeddedJson(value: unknown): string {
  return JSON.stringify(value, null, 2)
    .replaceAll('<', '\\u003c')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
}

/** The page; `samples` feed the charts only, every printed number is from `summary`. */
export function renderHtml(
  run: RunInfo,
  summary: LagSummary,
  samples: readonly LagSample[],
  options: ReportOptions = {},
): string {
  const heading = options.runName ? `${run.experiment}: ${options.runName}` : run.experiment;
  const about: [string, string][] = [
    ['experiment', run.experiment],
    ['started', run.startedAt],
    ['ended', run.endedAt ?? 'did not finish'],
    ['runtime', run.runtime],
    ['git commit', run.gitCommit ?? 'unknown'],
  ];
  const host: [string, string][] = [
    ['cores', String(run.host.cores)],
    ['memory', formatBytes(run.host.memoryBytes)],
    ['platform', run.host.platform],
    ['node', run.host.node],
  ];
  const parameters = Object.entries(run.parameters).map(([k, v]): [string, string] =>
    [k, formatValue(v)]);
  const charts = [lagCdfChart(summary, samples), lagTimelineChart(summary, samples),
    stageBarChart(summary)];

  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(heading)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<h1>${escapeHtml(heading)}</h1>`,
    htmlTable([], about),
    ...summaryTables(summary).map(tableSection),
    '<section><h2>Charts</h2>',
    ...charts.map((svg) => `<figure>${svg}</figure>`),
    '</section>',
    keyValueSection('Parameters', parameters),
    keyValueSection('Host', host),
    keyValueSection('Versions', Object.entries(run.versions)),
    `<script type="application/json" id="summary">${embeddedJson(summary)}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}

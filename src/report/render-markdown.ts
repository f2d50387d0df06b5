/**
 * report.md of a replication-lag run: what was run (parameters, host, versions) and the
 * summary and stage tables, readable on a code-hosting site or in a terminal pager.
 */
import type { LagSummary } from '../measure/lag-summary.js';
import type { RunInfo } from './run-folder.js';
import { formatBytes, formatValue, summaryTables, type TextTable } from './summary-tables.js';

export interface ReportOptions {
  /** The run folder's name, shown in the title; the experiment name alone when absent. */
  runName?: string;
}

function cell(value: string): string {
  return value.replaceAll('|', '\\|').replace(/\r?\n/g, ' ');
}

export function markdownTable(
  head: readonly string[],
  rows: readonly string[][],
  numericColumns: readonly number[] = [],
): string {
  const align = head.map((_, i) => (numericColumns.includes(i) ? '---:' : '---'));
  const lines = [head, align, ...rows].map((row, i) =>
    `| ${(i === 1 ? row : row.map(cell)).join(' | ')} |`);
  return lines.join('\n');
}

function section(table: TextTable): string {
  const body = markdownTable(table.head, table.rows, table.numericColumns);
  return `## ${table.title}\n\n${body}\n${table.note ? `\n${table.note}\n` : ''}`;
}

function keyValues(entries: readonly [string, string][]): string {
  if (entries.length === 0) return '(none)\n';
  return `${markdownTable(['name', 'value'], entries.map(([k, v]) => [k, v]))}\n`;
}

export function renderMarkdown(
  run: RunInfo,
  summary: LagSummary,
  options: ReportOptions = {},
): string {
  const about: [string, string][] = [
    ['experiment', run.experiment],
    ['run', options.runName ?? '–'],
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
  const versions = Object.entries(run.versions);

  return [
    `# ${options.runName ? `${run.experiment}: ${options.runName}` : run.experiment}\n`,
    keyValues(about),
    ...summaryTables(summary).map(section),
    `## Parameters\n\n${keyValues(parameters)}`,
    `## Host\n\n${keyValues(host)}`,
    `## Versions\n\n${keyValues(versions)}`,
  ].join('\n');
}

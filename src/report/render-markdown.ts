/**
 * report.md of a replication-lag run: what was run (tuning, write path, parameters, host,
 * versions), the knee sentence and the tables, readable on a code-hosting site or in a
 * terminal pager.
 */
import {
  kneeSentence, runNotes, tuningSettings, type ReplicationLagSummary,
} from './lag-run-summary.js';
import { aboutRows, hostRows, lagReportTables, parameterRows } from './lag-step-tables.js';
import type { RunInfo } from './run-folder.js';
import type { TextTable } from './summary-tables.js';

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

export function markdownSection(table: TextTable): string {
  const body = markdownTable(table.head, table.rows, table.numericColumns);
  return `## ${table.title}\n\n${body}\n${table.note ? `\n${table.note}\n` : ''}`;
}

export function keyValues(entries: readonly [string, string][]): string {
  if (entries.length === 0) return '(none)\n';
  return `${markdownTable(['name', 'value'], entries.map(([k, v]) => [k, v]))}\n`;
}

export function renderMarkdown(
  run: RunInfo,
  summary: ReplicationLagSummary,
  options: ReportOptions = {},
): string {
  const sentence = kneeSentence(summary);
  const tuning = summary.tuning;
  return [
    `# ${options.runName ? `${run.experiment}: ${options.runName}` : run.experiment}\n`,
    keyValues(aboutRows(run, summary, options.runName)),
    ...runNotes(summary, run).map((note) => `> ${note}\n`),
    ...(sentence ? [`**${sentence}**\n`] : []),
    ...lagReportTables(summary, run).map(markdownSection),
    ...(tuning ? [`## Tuning profile "${tuning.name}"\n\n` +
      keyValues([['description', tuning.description], ...tuningSettings(tuning)])] : []),
    `## Parameters\n\n${keyValues(parameterRows(run))}`,
    `## Host\n\n${keyValues(hostRows(run))}`,
    `## Versions\n\n${keyValues(Object.entries(run.versions))}`,
  ].join('\n');
}

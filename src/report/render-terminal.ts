/**
 * A replication-lag summary as plain text for stdout, after a run or from `authlab report`:
 * the tuning profile and write path, the knee sentence, then the tables. No colours: the
 * output is meant to be pasted and diffed as well as read.
 */
import Table from 'cli-table3';

import { COMPACT_TABLE } from '../cli/table-style.js';
import {
  kneeSentence, runNotes, tuningText, viaText, type ReplicationLagSummary,
} from './lag-run-summary.js';
import { lagReportTables } from './lag-step-tables.js';
import type { RunInfo } from './run-folder.js';
import type { TextTable } from './summary-tables.js';

export function renderTextTable(table: TextTable): string {
  const cli = new Table({
    ...COMPACT_TABLE,
    head: table.head,
    colAligns: table.head.map((_, i) => (table.numericColumns.includes(i) ? 'right' : 'left')),
  });
  for (const row of table.rows) cli.push(row);

  const lines = [table.title, cli.toString()];
  if (table.note) lines.push(table.note);
  return lines.join('\n');
}

/** "tuning ...; writes via ..." and the knee sentence, for whichever of them the run has. */
export function headlineLines(summary: ReplicationLagSummary, run?: RunInfo): string[] {
  const tuning = tuningText(summary);
  const via = viaText(summary);
  const sentence = kneeSentence(summary);
  return [
    ...runNotes(summary, run),
    ...(tuning ? [`tuning profile ${tuning}`] : []),
    ...(via ? [`writes via ${via}`] : []),
    ...(sentence ? [sentence] : []),
  ];
}

export function renderTerminal(summary: ReplicationLagSummary, run?: RunInfo): string {
  const headline = headlineLines(summary, run);
  const tables = lagReportTables(summary, run).map(renderTextTable);
  return `${[...(headline.length ? [headline.join('\n')] : []), ...tables].join('\n\n')}\n`;
}

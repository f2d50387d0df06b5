/**
 * A lag summary as plain text tables for stdout, after a run or from `authlab report`.
 * No colours: the output is meant to be pasted and diffed as well as read.
 */
import Table from 'cli-table3';
import type { LagSummary } from '../measure/lag-summary.js';
import { summaryTables, type TextTable } from './summary-tables.js';

function renderTable(table: TextTable): string {
  const cli = new Table({
    head: table.head,
    style: { head: [], border: [] },
    colAligns: table.head.map((_, i) => (table.numericColumns.includes(i) ? 'right' : 'left')),
  });
  for (const row of table.rows) cli.push(row);

  const lines = [table.title, cli.toString()];
  if (table.note) lines.push(table.note);
  return lines.join('\n');
}

export function renderTerminal(summary: LagSummary): string {
  return `${summaryTables(summary).map(renderTable).join('\n\n')}\n`;
}

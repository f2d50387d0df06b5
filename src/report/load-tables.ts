/**
 * The tables of load and scale-auth runs as rows of display strings, shared by the terminal,
 * Markdown and HTML renderers so all three show the same numbers formatted the same way.
 */
import type { LatencyFigures } from '../load/load-histogram.js';
import type { ErrorCounts, LoadSummary, OpSummary } from '../load/load-results.js';
import { formatMix, type OperationName } from '../load/mix.js';
import type { ScaleSummary } from '../load/scale-summary.js';
import { formatMs, type TextTable } from './summary-tables.js';

function rate(value: number | null): string {
  return value === null ? '–' : value.toFixed(1);
}

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}

function statusText(errors: ErrorCounts): string {
  const codes = Object.entries(errors.status).map(([code, n]) => `${code}×${n}`);
  return codes.length === 0 ? '0' : codes.join(' ');
}

const LATENCY_HEAD = ['p50', 'p90', 'p99', 'p99.9', 'max'];

function latencyCells(latency: LatencyFigures): string[] {
  return [latency.p50, latency.p90, latency.p99, latency.p999, latency.max].map(formatMs);
}

export function settingsTable(summary: LoadSummary): TextTable {
  const rows: string[][] = [
    ['model', summary.model === 'open' ? 'open (scheduled rate)' : 'closed (fixed concurrency)'],
    ['target', `${summary.target.name}: ${summary.target.description}`],
    ['offered rate (req/s)', rate(summary.offeredRateHz)],
    ['duration / warm-up (s)', `${summary.durationS} / ${summary.warmupS}`],
    ['connections / workers', `${summary.connections} / ${summary.workers}`],
    ['users created', String(summary.users)],
    ['mix', formatMix(summary.mix)],
    ['timeout (ms)', String(summary.timeoutMs)],
  ];
  return { title: 'Load', head: ['setting', 'value'], rows, numericColumns: [] };
}

function resultRow(name: string, op: OpSummary): string[] {
  return [name, String(op.requests), String(op.ok), String(op.errors.total),
    percent(op.errorRate), rate(op.achievedRateHz), rate(op.throughputHz),
    ...latencyCells(op.latencyMs)];
}

export function resultsTable(summary: LoadSummary): TextTable {
  const ops = Object.entries(summary.operations) as [OperationName, OpSummary][];
  return {
    title: 'Results (latency in ms)',
    head: ['operation', 'requests', 'ok', 'errors', 'error %', 'answers/s', '2xx/s',
      ...LATENCY_HEAD],
    rows: [...ops.map(([name, op]) => resultRow(name, op)), resultRow('all', summary.overall)],
    numericColumns: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    note: `${summary.latencyNote}. Requests: measured ones (warm-up excluded); answers/s and ` +
      '2xx/s: answers received inside the window.',
  };
}

export function errorsTable(summary: LoadSummary): TextTable {
  const ops = Object.entries(summary.operations) as [OperationName, OpSummary][];
  const row = (name: string, e: ErrorCounts) => [name, statusText(e), String(e.timeout),
    String(e.connection), String(e.unsent), String(e.client), String(e.other)];
  return {
    title: 'Errors by kind',
    head: ['operation', 'status', 'timeout', 'connection', 'unsent', 'client', 'other'],
    rows: [...ops.map(([name, op]) => row(name, op.errors)), row('all', summary.overall.errors)],
    numericColumns: [2, 3, 4, 5, 6],
    note: 'status: non-2xx answers by code; unsent: due but never sent before the hard stop; ' +
      'client: nothing to send (no session yet for refresh or me).',
  };
}

export function scheduleTable(summary: LoadSummary): TextTable {
  const s = summary.schedule;
  const lag = s.sendLagMs;
  const rows = [
    ['sent per second in the window', rate(s.sentRateHz)],
    ['requests sent (warm-up included)', String(s.sent)],
    ['unsent / unsettled at the hard stop', `${s.unsent} / ${s.unsettled}`],
    ['most in flight in one worker', String(s.maxInFlightPerWorker)],
    ['waits for the in-flight limit', String(s.inFlightWaits)],
    ['stopped by', s.stopReasons.join(', ')],
  ];
  if (lag) {
    rows.push(['send lag p50 / p99 / max (ms)',
      `${formatMs(lag.p50)} / ${formatMs(lag.p99)} / ${formatMs(lag.max)}`]);
  }
  return {
    title: 'Generator', head: ['figure', 'value'], rows, numericColumns: [],
    note: lag ? 'Send lag: how late requests left after their due time; it is part of the ' +
      'latency above, and is the generator\'s own share of it.' : undefined,
  };
}

export function loadTables(summary: LoadSummary): TextTable[] {
  const tables = [settingsTable(summary), resultsTable(summary)];
  if (summary.overall.errors.total > 0) tables.push(errorsTable(summary));
  tables.push(scheduleTable(summary));
  return tables;
}

export function scaleTable(summary: ScaleSummary): TextTable {
  const rows = summary.steps.map((step) => [
    String(step.replicas),
    rate(step.offeredRateHz),
    rate(step.throughputHz),
    step.efficiency === null ? '–' : step.efficiency.toFixed(2),
    ...[step.latencyMs.p50, step.latencyMs.p99, step.latencyMs.p999].map(formatMs),
    percent(step.errorRate),
    step.cpu.map((c) => c.cores.toFixed(2)).join(' ') || '–',
    `${Math.round(step.hostBusyFraction * 100)}%`,
    step.saturated ? 'yes' : 'no',
  ]);
  return {
    title: `Scaling (${summary.cores} cores, bcrypt cost ${summary.bcryptCost})`,
    head: ['replicas', 'offered/s', '2xx/s', 'efficiency', 'p50 ms', 'p99 ms', 'p99.9 ms',
      'errors', 'CPU per replica (cores)', 'host CPU', 'saturated'],
    rows,
    numericColumns: [0, 1, 2, 3, 4, 5, 6, 7, 9],
    note: `${summary.note}. Saturated: under 95% of the offered rate was served.`,
  };
}

export function hintsTable(summary: ScaleSummary): TextTable {
  return {
    title: 'What limits each step',
    head: ['replicas', 'hints'],
    rows: summary.steps.map((step) => [String(step.replicas), step.hints.join('; ') || '–']),
    numericColumns: [0],
  };
}

export function scaleTables(summary: ScaleSummary): TextTable[] {
  return [scaleTable(summary), hintsTable(summary)];
}

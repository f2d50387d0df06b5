/**
 * Merges the workers' reports into the figures of a run: per operation and overall, counts,
 * errors by kind, rates and latency percentiles from the merged HDR histograms, and a
 * per-second series. Also writes the raw data every figure can be recomputed from.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { CsvFileWriter } from '../measure/csv.js';
import {
  mergeHistograms, type EncodedHistogram, type LatencyFigures,
} from './load-histogram.js';
import { OPERATIONS, type Mix, type OperationName } from './mix.js';
import { emptyCounts, type EncodedSecond, type OpCounts } from './op-recorder.js';
import type { LoadModel, WorkerReport } from './worker-protocol.js';
import type { LoadTarget } from './target.js';

export const LOAD_FILES = Object.freeze({
  series: 'series.csv',
  histograms: 'histograms.json',
});

export interface ErrorCounts {
  total: number;
  status: Record<string, number>;
  timeout: number;
  connection: number;
  unsent: number;
  client: number;
  other: number;
}

export interface OpSummary {
  /** Measured requests: due (open) or sent (closed) inside the measurement window. */
  requests: number;
  ok: number;
  errors: ErrorCounts;
  errorRate: number;
  /** Answers of any status received inside the window, per second (what wrk reports). */
  achievedRateHz: number;
  /** 2xx answers received inside the window, per second. */
  throughputHz: number;
  /** Answers and timeouts of the measured requests; a failed socket has no latency. */
  latencyMs: LatencyFigures;
  warmupRequests: number;
}

export interface RunSettings {
  model: LoadModel;
  target: LoadTarget;
  /** Open model only. */
  offeredRateHz: number | null;
  durationS: number;
  warmupS: number;
  connections: number;
  workers: number;
  users: number;
  timeoutMs: number;
  maxRequests: number;
  mix: Mix;
}

export interface LoadSummary extends RunSettings {
  kind: 'load';
  overall: OpSummary;
  operations: Partial<Record<OperationName, OpSummary>>;
  schedule: {
    /** Requests that left while the window was open, per second: what the generator sent. */
    sentRateHz: number;
    sent: number;
    unsent: number;
    unsettled: number;
    inFlightWaits: number;
    maxInFlightPerWorker: number;
    stopReasons: string[];
    /** Open model: how late requests left after their due time (the generator's own lag). */
    sendLagMs: LatencyFigures | null;
  };
  /** How to read the latency figures of this model. */
  latencyNote: string;
}

export interface SeriesRow {
  second: number;
  operation: OperationName | 'all';
  answered: number;
  ok: number;
  errors: number;
  timeouts: number;
  p50Ms: number | null;
  p90Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

export interface LoadResult {
  summary: LoadSummary;
  series: SeriesRow[];
  /** Encoded merged latency histograms (µs) per operation and `all`. */
  histograms: Record<string, EncodedHistogram>;
}

const LATENCY_NOTES: Record<LoadModel, string> = {
  open: 'open model: latency counts from each request\'s scheduled send time, so time the ' +
    'server stalled shows up as latency (coordinated omission corrected)',
  closed: 'closed model (fixed concurrency): latency counts from the actual send; a stalled ' +
    'server sends fewer requests instead of showing the stall (coordinated omission)',
};

function addCounts(into: OpCounts, from: OpCounts): void {
  for (const key of ['requests', 'ok', 'timeout', 'connection', 'unsent', 'client', 'other',
    'answeredInWindow', 'okInWindow', 'warmup'] as const) {
    into[key] += from[key];
  }
  for (const [code, n] of Object.entries(from.status)) {
    into.status[code] = (into.status[code] ?? 0) + n;
  }
}

function summarise(counts: OpCounts, latency: EncodedHistogram[], durationS: number): OpSummary {
  const statusErrors = Object.values(counts.status).reduce((sum, n) => sum + n, 0);
  const total = statusErrors + counts.timeout + counts.connection + counts.unsent +
    counts.client + counts.other;
  return {
    requests: counts.requests,
    ok: counts.ok,
    errors: {
      total, status: counts.status, timeout: counts.timeout, connection: counts.connection,
      unsent: counts.unsent, client: counts.client, other: counts.other,
    },
    errorRate: counts.requests === 0 ? 0 : total / counts.requests,
    achievedRateHz: counts.answeredInWindow / durationS,
    throughputHz: counts.okInWindow / durationS,
    latencyMs: mergeHistograms(latency).figures(),
    warmupRequests: counts.warmup,
  };
}

function seriesRows(operation: OperationName | 'all', seconds: EncodedSecond[]): SeriesRow[] {
  const bySecond = new Map<number, EncodedSecond[]>();
  for (const one of seconds) bySecond.set(one.second, [...(bySecond.get(one.second) ?? []), one]);
  return [...bySecond.keys()].sort((a, b) => a - b).map((second) => {
    const parts = bySecond.get(second) as EncodedSecond[];
    const latency = mergeHistograms(parts.map((part) => part.latency)).figures();
    const sum = (key: 'answered' | 'ok' | 'errors' | 'timeouts') =>
      parts.reduce((total, part) => total + part[key], 0);
    return {
      second, operation, answered: sum('answered'), ok: sum('ok'), errors: sum('errors'),
      timeouts: sum('timeouts'), p50Ms: latency.p50, p90Ms: latency.p90, p99Ms: latency.p99,
      maxMs: latency.max,
    };
  });
}

export function mergeReports(settings: RunSettings, reports: readonly WorkerReport[]): LoadResult {
  const operations: Partial<Record<OperationName, OpSummary>> = {};
  const histograms: Record<string, EncodedHistogram> = {};
  const allCounts = emptyCounts();
  const allLatency: EncodedHistogram[] = [];
  const allSeconds: EncodedSecond[] = [];
  const series: SeriesRow[] = [];

  for (const op of OPERATIONS) {
    const parts = reports.map((report) => report.operations[op])
      .filter((part) => part !== undefined);
    if (parts.length === 0) continue;
    const counts = emptyCounts();
    for (const part of parts) addCounts(counts, part.counts);
    addCounts(allCounts, counts);
    const latency = parts.map((part) => part.latency);
    allLatency.push(...latency);
    const seconds = parts.flatMap((part) => part.series);
    allSeconds.push(...seconds);

    operations[op] = summarise(counts, latency, settings.durationS);
    histograms[op] = mergeHistograms(latency).encode();
    series.push(...seriesRows(op, seconds));
  }
  histograms.all = mergeHistograms(allLatency).encode();
  series.unshift(...seriesRows('all', allSeconds));

  const schedules = reports.map((report) => report.schedule);
  const sumOf = (key: 'sent' | 'unsent' | 'unsettled' | 'inFlightWaits') =>
    schedules.reduce((total, s) => total + s[key], 0);
  const sendLag = mergeHistograms(reports.map((report) => report.sendLag));

  const summary: LoadSummary = {
    kind: 'load',
    ...settings,
    overall: summarise(allCounts, allLatency, settings.durationS),
    operations,
    schedule: {
      sentRateHz: reports.reduce((total, r) => total + r.sentInWindow, 0) / settings.durationS,
      sent: sumOf('sent'),
      unsent: sumOf('unsent'),
      unsettled: sumOf('unsettled'),
      inFlightWaits: sumOf('inFlightWaits'),
      maxInFlightPerWorker: Math.max(0, ...schedules.map((s) => s.maxInFlight)),
      stopReasons: [...new Set(schedules.map((s) => s.stopReason))],
      sendLagMs: settings.model === 'open' ? sendLag.figures() : null,
    },
    latencyNote: LATENCY_NOTES[settings.model],
  };
  return { summary, series, histograms };
}

const SERIES_HEADER = ['second', 'operation', 'answered', 'ok', 'errors', 'timeouts',
  'p50_ms', 'p90_ms', 'p99_ms', 'max_ms'];

/** Writes series.csv and histograms.json (with `suffix` before the extension, e.g. -r2). */
export async function writeLoadSamples(dir: string, result: LoadResult, suffix = '') {
  const named = (file: string) => file.replace(/(\.[a-z]+)$/, `${suffix}$1`);
  const csv = await CsvFileWriter.open(join(dir, named(LOAD_FILES.series)), SERIES_HEADER);
  for (const row of result.series) {
    await csv.writeRow([row.second, row.operation, row.answered, row.ok, row.errors, row.timeouts,
      row.p50Ms, row.p90Ms, row.p99Ms, row.maxMs]);
  }
  await csv.close();
  const histograms = { unit: 'us', encoding: 'HdrHistogram compressed base64',
    operations: result.histograms };
  await writeFile(join(dir, named(LOAD_FILES.histograms)),
    `${JSON.stringify(histograms, null, 2)}\n`);
}

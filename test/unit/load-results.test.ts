import { test } from 'node:test';
import assert from 'node:assert/strict';

import { mergeReports, type RunSettings } from '../../src/load/load-results.js';
import { LoadHistogram } from '../../src/load/load-histogram.js';
import { parseMix, type OperationName } from '../../src/load/mix.js';
import { RequestRecorder, type Outcome } from '../../src/load/op-recorder.js';
import type { WorkerReport } from '../../src/load/worker-protocol.js';

const SETTINGS: RunSettings = {
  model: 'open',
  target: { name: 'auth-1', description: 'test', origins: ['http://127.0.0.1:1'] },
  offeredRateHz: 10, durationS: 2, warmupS: 1, connections: 1, workers: 2, users: 2,
  timeoutMs: 1000, maxRequests: 1000, mix: parseMix('login=1,me=1'),
};

/** Window [1000, 3000): one second of warm-up from 0, two measured seconds. */
const WINDOW = { startMs: 1000, endMs: 3000, lastSecond: 4 };

type Event = [OperationName, number, number, Outcome];

function report(workerIndex: number, events: Event[]): WorkerReport {
  const recorder = new RequestRecorder(WINDOW);
  for (const [op, startMs, doneMs, outcome] of events) {
    recorder.record(op, startMs, doneMs, outcome);
  }
  return {
    workerIndex,
    schedule: { sent: events.length, unsent: 0, unsettled: 0, inFlightWaits: 0, maxInFlight: 1,
      stopReason: 'end' },
    sendLag: new LoadHistogram().encode(),
    sentInWindow: 0,
    operations: recorder.encode(),
  };
}

const ok: Outcome = { kind: 'ok' };

test('per-operation counts add up to the totals, and errors are split by kind', () => {
  const reports = [
    report(0, [
      ['login', 500, 520, ok], // warm-up: not measured
      ['login', 1000, 1010, ok],
      ['login', 1100, 1150, { kind: 'status', status: 503 }],
      ['me', 1200, 1201, ok],
      ['me', 2900, 3100, ok], // measured, answered after the window
    ]),
    report(1, [
      ['login', 1050, 1060, ok],
      ['me', 1300, 11_300, { kind: 'timeout' }],
      ['me', 1400, 1401, { kind: 'connection' }],
      ['login', 2950, 4000, { kind: 'unsent' }],
    ]),
  ];
  const { summary, series } = mergeReports(SETTINGS, reports);
  const ops = Object.values(summary.operations);

  const sum = (pick: (op: (typeof ops)[number]) => number) =>
    ops.reduce((t, op) => t + pick(op), 0);
  assert.equal(summary.overall.requests, 8);
  assert.equal(sum((op) => op.requests), summary.overall.requests);
  assert.equal(sum((op) => op.ok), summary.overall.ok);
  assert.equal(sum((op) => op.errors.total), summary.overall.errors.total);
  for (const op of [...ops, summary.overall]) assert.equal(op.ok + op.errors.total, op.requests);

  assert.equal(summary.overall.ok, 4);
  assert.deepEqual(summary.overall.errors, {
    total: 4, status: { 503: 1 }, timeout: 1, connection: 1, unsent: 1, client: 0, other: 0,
  });
  assert.equal(summary.overall.warmupRequests, 1);
  // Answers inside the window: 1010, 1060, 1150 (503), 1201.
  assert.equal(summary.overall.achievedRateHz, 4 / 2);
  assert.equal(summary.overall.throughputHz, 3 / 2);
  // Latency of answers and timeouts; connection failures and unsent have none.
  assert.equal(summary.overall.latencyMs.count, 6);
  assert.equal(summary.overall.latencyMs.max, 10_000);

  const allRows = series.filter((row) => row.operation === 'all');
  const inWindow = allRows.filter((row) => row.second < 2);
  assert.equal(inWindow.reduce((t, row) => t + row.answered, 0), 4);
  assert.deepEqual(allRows.map((row) => row.second), [0, 2, 4]);
  const opRows = series.filter((row) => row.operation !== 'all');
  assert.equal(opRows.reduce((t, row) => t + row.answered, 0),
    allRows.reduce((t, row) => t + row.answered, 0));
});

/**
 * Which watcher a lab gets, what the report says of its cost, and of a step it saw nothing of.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { LabError } from '../../src/errors.js';
import type { RunningLab } from '../../src/lab/running-lab.js';
import { watcherKindFor } from '../../src/lab/lag-watcher-for-lab.js';
import { summariseMs } from '../../src/measure/histogram.js';
import { summariseLag } from '../../src/measure/lag-summary.js';
import type { ReplicationLagSummary } from '../../src/report/lag-run-summary.js';
import { stepsTable, watcherTable } from '../../src/report/lag-step-tables.js';

function labOn(runtime: 'local' | 'docker'): RunningLab {
  return { state: { runtime } } as RunningLab;
}

test('auto picks the storage watcher on the local runtime and the wire one on docker', () => {
  assert.equal(watcherKindFor(labOn('local'), 'auto'), 'storage');
  assert.equal(watcherKindFor(labOn('docker'), 'auto'), 'wire');
  assert.equal(watcherKindFor(labOn('local'), 'wire'), 'wire');
});

test('the storage watcher on docker is refused as bad input that names the way out', () => {
  assert.throws(() => watcherKindFor(labOn('docker'), 'storage'), (error: unknown) =>
    error instanceof LabError && error.code === 'BAD_INPUT' && /--watcher wire/.test(error.message));
});

function summaryWith(watcher: ReplicationLagSummary['watcher']): ReplicationLagSummary {
  return { watcherResolutionMs: 1.25, watcher } as ReplicationLagSummary;
}

test('the watcher note gives the storage watcher\'s CPU share, and no Mongo queries', () => {
  const table = watcherTable(summaryWith({
    kind: 'storage', polls: 4000, cycleMs: summariseMs([1, 1.5]), queryMs: summariseMs([0.1]),
    pollIntervalMs: 1, queryErrors: 0, cpuMs: 250, wallMs: 5000,
  }));
  assert.ok(table);
  assert.equal(table.title, 'Watcher, storage (ms)');
  assert.match(table.note ?? '', /4000 polls of FerretDB's committed rows, 0 of them failed/);
  assert.match(table.note ?? '', /250\.00 ms of CPU in 5000\.00 ms \(5\.0% of one core\)/);
});

test('a run recorded before watcher kinds existed reads as the wire watcher', () => {
  const table = watcherTable(summaryWith({
    polls: 70, cycleMs: summariseMs([5]), queryMs: summariseMs([3]), pollIntervalMs: 2,
    queryErrors: 1,
  }));
  assert.equal(table?.title, 'Watcher, wire (ms)');
  assert.match(table?.note ?? '', /70 lookups by _id sent to Mongo, 1 of them failed\./);
});

test('a step whose rows were all lost has no trend, not a steady one', () => {
  const lost = Array.from({ length: 5 }, (_, i) => ({
    rateHz: 50, seq: i, userId: `u${i}`, tScheduledMs: i, tCommitMs: i, tVisibleMs: null,
    lagMs: null, sourceTsMs: null, dbzTsMs: null, kafkaTsMs: null, consumedAtMs: null,
    writtenAtMs: null, replica: null, status: 'lost' as const,
  }));
  const table = stepsTable([{
    rateHz: 50, summary: summariseLag(lost, { watcherResolutionMs: 1 }), writes: null,
    trend: { firstThirdP50Ms: null, lastThirdP50Ms: null, slopeMsPerS: null, growing: false },
    bounded: false, stepPath: null,
  }]);
  const trendColumn = table.head.indexOf('trend');
  assert.equal(table.rows[0]?.[trendColumn], '–');
});

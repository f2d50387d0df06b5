/**
 * When a step's lag is judged growing: never on a step too short to tell (a one-second step
 * at 50 rows/s flipped between "bounded" and "not bounded" on Debezium's batching alone).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { buildLagSample, type LagSample } from '../../src/measure/lag-sample.js';
import { lagTrend } from '../../src/measure/lag-trend.js';

/** count rows over durationMs whose lag climbs from 100 ms by climbMsPerS. */
function rising(count: number, durationMs: number, climbMsPerS: number): LagSample[] {
  return Array.from({ length: count }, (_, i) => {
    const tCommitMs = (i * durationMs) / count;
    const lagMs = 100 + (climbMsPerS * tCommitMs) / 1000;
    return buildLagSample({
      rateHz: (count * 1000) / durationMs, seq: i, userId: `u${i}`, tScheduledMs: tCommitMs,
      tCommitMs, tVisibleMs: tCommitMs + lagMs, sourceTsMs: null, dbzTsMs: null,
      kafkaTsMs: null, consumedAtMs: null, writtenAtMs: null, replica: null,
    });
  });
}

test('a step of one second is too short to judge, however its lag moves', () => {
  const trend = lagTrend(rising(50, 1000, 200));
  assert.equal(trend.growing, false);
  assert.equal(trend.slopeMsPerS, null);
});

test('a long enough step whose lag climbs is growing, and a flat one is not', () => {
  assert.equal(lagTrend(rising(300, 3000, 200)).growing, true);
  assert.equal(lagTrend(rising(300, 3000, 0)).growing, false);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatencyHistogram, summariseMs } from '../../src/measure/histogram.js';

/** HDR with 3 significant digits answers within 0.1% of the true value. */
function assertClose(actual: number | null, expected: number, what: string): void {
  assert.ok(actual !== null, `${what} is null`);
  const tolerance = expected * 0.001;
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);
}

test('percentiles of 1..1000 ms match the known distribution', () => {
  const values = Array.from({ length: 1000 }, (_, i) => i + 1);
  const summary = summariseMs(values);

  assert.equal(summary.count, 1000);
  assert.equal(summary.min, 1);
  assert.equal(summary.max, 1000);
  assert.equal(summary.mean, 500.5);
  const expected = { p50: 500, p90: 900, p95: 950, p99: 990, p999: 999 } as const;
  for (const [key, value] of Object.entries(expected)) {
    assertClose(summary[key as keyof typeof expected], value, key);
  }
});

test('sub-millisecond values keep microsecond resolution', () => {
  const summary = summariseMs([0.125, 0.25, 0.5, 0.75]);
  assert.equal(summary.p50, 0.25);
  assert.equal(summary.max, 0.75);
  assert.equal(summary.min, 0.125);
});

test('a percentile never reports above the exact maximum', () => {
  const summary = summariseMs([1234.567]);
  assert.equal(summary.p999, 1234.567);
  assert.equal(summary.p50, 1234.567);
});

test('an empty histogram gives nulls, not zeros', () => {
  const summary = new LatencyHistogram().summary();
  assert.deepEqual(summary, {
    count: 0, min: null, max: null, mean: null,
    p50: null, p90: null, p95: null, p99: null, p999: null, clampedNegative: 0,
  });
});

test('negative values are counted and clamped to zero for percentiles only', () => {
  const summary = summariseMs([-2, -1, 10, 20]);
  assert.equal(summary.clampedNegative, 2);
  assert.equal(summary.min, -2);
  assert.equal(summary.mean, 6.75);
  assert.equal(summary.p50, 0);
});

test('values beyond the initial one-hour range are still recorded', () => {
  const summary = summariseMs([1, 10 * 3_600_000]);
  assertClose(summary.p99, 10 * 3_600_000, 'p99');
});

test('a non-finite value is refused', () => {
  assert.throws(() => new LatencyHistogram().recordMs(Number.NaN), { code: 'INTERNAL' });
});

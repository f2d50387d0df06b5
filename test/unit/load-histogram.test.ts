import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  COARSE_DIGITS, LoadHistogram, mergeHistograms,
} from '../../src/load/load-histogram.js';

/** A deterministic spread of latencies in ms, with a slow tail. */
function latencies(count: number, seed: number): number[] {
  let x = seed;
  return Array.from({ length: count }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const u = x / 2 ** 31;
    return u < 0.99 ? 0.2 + u * 5 : 100 + u * 900;
  });
}

test('histograms merged from encoded parts give the percentiles of all values', () => {
  const parts = [latencies(4000, 1), latencies(3000, 2), latencies(5000, 3)];
  const whole = new LoadHistogram();
  for (const value of parts.flat()) whole.recordMs(value);
  const encoded = parts.map((values) => {
    const histogram = new LoadHistogram();
    for (const value of values) histogram.recordMs(value);
    return histogram.encode();
  });

  const merged = mergeHistograms(encoded);
  assert.deepEqual(merged.figures(), whole.figures());
  assert.equal(merged.count, 12_000);
});

test('max and min are exact and percentiles stay within 0.1%', () => {
  const values = latencies(10_000, 7);
  const histogram = new LoadHistogram();
  for (const value of values) histogram.recordMs(value);
  const sorted = [...values].sort((a, b) => a - b);
  const figures = histogram.figures();

  assert.equal(figures.max, Math.round((sorted.at(-1) as number) * 1000) / 1000);
  assert.equal(figures.min, Math.round((sorted[0] as number) * 1000) / 1000);
  for (const [p, got] of [[50, figures.p50], [99, figures.p99], [99.9, figures.p999]] as const) {
    const exact = sorted[Math.ceil((p / 100) * sorted.length) - 1] as number;
    assert.ok(Math.abs((got as number) - exact) <= exact * 0.001 + 0.001,
      `p${p}: ${got} vs ${exact}`);
  }
});

test('an empty histogram has null figures and merges as nothing', () => {
  const empty = new LoadHistogram(COARSE_DIGITS).encode();
  assert.equal(empty.hdr, null);
  const merged = mergeHistograms([empty]);
  assert.deepEqual(merged.figures(), {
    count: 0, min: null, mean: null, p50: null, p90: null, p99: null, p999: null, max: null,
  });
});

test('a stall of many seconds is recorded beyond the initial range', () => {
  const histogram = new LoadHistogram();
  histogram.recordMs(1);
  histogram.recordMs(65_000);
  const back = mergeHistograms([histogram.encode()]);
  assert.equal(back.figures().max, 65_000);
  assert.ok(Math.abs((back.percentileMs(99) as number) - 65_000) <= 65);
});

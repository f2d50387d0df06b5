/**
 * Latency histogram for millisecond values: an HDR histogram (pure-JS build) of integer
 * microseconds with 3 significant digits, so percentiles are within 0.1% of the true value
 * at any scale from 1 µs to hours. Count, min, max and mean are kept exactly beside it.
 */
import * as hdr from 'hdr-histogram-js';
import { LabError } from '../errors.js';

/** Values are recorded as integer microseconds: the resolution asked of every lag figure. */
const MICROS_PER_MS = 1000;

/** One hour in µs: the initial range; autoResize grows it if a value is larger. */
const INITIAL_HIGHEST_US = 3_600_000_000;

export interface MsSummary {
  count: number;
  /** Exact, as recorded (may be negative: see clampedNegative). Null when count is 0. */
  min: number | null;
  max: number | null;
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  p999: number | null;
  /**
   * Values below zero, recorded as 0 in the histogram (HDR holds no negatives), so they pull
   * percentiles to 0 but min and mean keep their true values. Stage durations computed from
   * two different clocks can be slightly negative; this count makes that visible.
   */
  clampedNegative: number;
}

export class LatencyHistogram {
  private readonly histogram = hdr.build({
    bitBucketSize: 64,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: INITIAL_HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });

  private countValue = 0;
  private sumMs = 0;
  private minMs = Number.POSITIVE_INFINITY;
  private maxMs = Number.NEGATIVE_INFINITY;
  private clampedNegative = 0;

  get count(): number {
    return this.countValue;
  }

  recordMs(valueMs: number): void {
    if (!Number.isFinite(valueMs)) {
      throw new LabError('INTERNAL', `histogram got a non-finite value: ${valueMs}`);
    }
    this.countValue += 1;
    this.sumMs += valueMs;
    this.minMs = Math.min(this.minMs, valueMs);
    this.maxMs = Math.max(this.maxMs, valueMs);

    if (valueMs < 0) this.clampedNegative += 1;
    this.histogram.recordValue(Math.max(0, Math.round(valueMs * MICROS_PER_MS)));
  }

  /** Value at a percentile (0..100) in ms; never above the exact maximum. Null when empty. */
  percentileMs(percentile: number): number | null {
    if (this.countValue === 0) return null;
    // HDR answers with the top of the value's bucket, which can lie above the real max.
    const bucketTopMs = this.histogram.getValueAtPercentile(percentile) / MICROS_PER_MS;
    return Math.min(bucketTopMs, this.maxMs);
  }

  summary(): MsSummary {
    const empty = this.countValue === 0;
    return {
      count: this.countValue,
      min: empty ? null : this.minMs,
      max: empty ? null : this.maxMs,
      mean: empty ? null : this.sumMs / this.countValue,
      p50: this.percentileMs(50),
      p90: this.percentileMs(90),
      p95: this.percentileMs(95),
      p99: this.percentileMs(99),
      p999: this.percentileMs(99.9),
      clampedNegative: this.clampedNegative,
    };
  }
}

/** Summary of a list of ms values in one call. */
export function summariseMs(valuesMs: Iterable<number>): MsSummary {
  const histogram = new LatencyHistogram();
  for (const value of valuesMs) histogram.recordMs(value);
  return histogram.summary();
}

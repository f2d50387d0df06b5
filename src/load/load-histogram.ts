/**
 * Latency histograms of the load generator: HDR histograms (hdr-histogram-js, pure JS) of
 * integer microseconds, with exact count, min, max and sum kept beside them. Workers encode
 * theirs (HDR's compressed base64 form) and the main thread decodes and adds them, so the
 * merged percentiles are those of every request, not an average of per-worker percentiles.
 */
import * as hdr from 'hdr-histogram-js';
import { LabError } from '../errors.js';

/** 3 digits: a percentile within 0.1% of the true value; used for the run's totals. */
export const FINE_DIGITS = 3;
/** 2 digits (within 1%) for the per-second histograms: there are hundreds of them. */
export const COARSE_DIGITS = 2;

/** Ten seconds in µs: the initial range; autoResize grows it for a longer stall. */
const INITIAL_HIGHEST_US = 10_000_000;

/** A histogram as it crosses a thread boundary or is written to histograms.json. */
export interface EncodedHistogram {
  digits: number;
  count: number;
  /** Exact, in µs; null when count is 0. */
  minUs: number | null;
  maxUs: number | null;
  sumUs: number;
  /** HDR compressed base64; null when count is 0. */
  hdr: string | null;
}

/** Latency figures in milliseconds, null when nothing was recorded. */
export interface LatencyFigures {
  count: number;
  min: number | null;
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  p999: number | null;
  max: number | null;
}

function buildHdr(digits: number) {
  return hdr.build({
    // Plain 32-bit counts: recording is a few array writes. Packed counts would save memory
    // for the per-second histograms (~10 KiB each at 2 digits) but cost 4x the time per
    // request, and that CPU is taken from the server on a shared machine.
    bitBucketSize: 32,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: INITIAL_HIGHEST_US,
    numberOfSignificantValueDigits: digits as 2 | 3,
    useWebAssembly: false,
  });
}

export class LoadHistogram {
  private readonly histogram;
  private countValue = 0;
  private sumUs = 0;
  private minUs = Number.POSITIVE_INFINITY;
  private maxUs = 0;

  constructor(readonly digits: number = FINE_DIGITS) {
    this.histogram = buildHdr(digits);
  }

  get count(): number {
    return this.countValue;
  }

  /** Records one latency in ms (fractional), stored as whole µs (negatives as 0). */
  recordMs(valueMs: number): void {
    const valueUs = Math.max(0, Math.round(valueMs * 1000));
    this.countValue += 1;
    this.sumUs += valueUs;
    if (valueUs < this.minUs) this.minUs = valueUs;
    if (valueUs > this.maxUs) this.maxUs = valueUs;
    this.histogram.recordValue(valueUs);
  }

  encode(): EncodedHistogram {
    const empty = this.countValue === 0;
    return {
      digits: this.digits,
      count: this.countValue,
      minUs: empty ? null : this.minUs,
      maxUs: empty ? null : this.maxUs,
      sumUs: this.sumUs,
      hdr: empty ? null : hdr.encodeIntoCompressedBase64(this.histogram),
    };
  }

  /** Adds an encoded histogram (from a worker or a file) into this one. */
  add(encoded: EncodedHistogram): void {
    if (encoded.count === 0 || encoded.hdr === null) return;
    let other;
    try {
      other = hdr.decodeFromCompressedBase64(encoded.hdr, 32, false);
    } catch (error) {
      throw new LabError('INTERNAL', 'an encoded latency histogram does not decode',
        { cause: error });
    }
    this.histogram.add(other);
    this.countValue += encoded.count;
    this.sumUs += encoded.sumUs;
    this.minUs = Math.min(this.minUs, encoded.minUs ?? Number.POSITIVE_INFINITY);
    this.maxUs = Math.max(this.maxUs, encoded.maxUs ?? 0);
  }

  /** Value at a percentile (0..100) in ms, never above the exact max; null when empty. */
  percentileMs(percentile: number): number | null {
    if (this.countValue === 0) return null;
    // HDR answers with the top of the value's bucket, which can lie above the real max.
    return Math.min(this.histogram.getValueAtPercentile(percentile), this.maxUs) / 1000;
  }

  figures(): LatencyFigures {
    const empty = this.countValue === 0;
    return {
      count: this.countValue,
      min: empty ? null : this.minUs / 1000,
      mean: empty ? null : this.sumUs / this.countValue / 1000,
      p50: this.percentileMs(50),
      p90: this.percentileMs(90),
      p99: this.percentileMs(99),
      p999: this.percentileMs(99.9),
      max: empty ? null : this.maxUs / 1000,
    };
  }
}

/** Decodes and adds encoded histograms into one (at the finest precision among them). */
export function mergeHistograms(encoded: readonly EncodedHistogram[]): LoadHistogram {
  const digits = Math.max(COARSE_DIGITS, ...encoded.map((e) => e.digits));
  const merged = new LoadHistogram(digits);
  for (const one of encoded) merged.add(one);
  return merged;
}

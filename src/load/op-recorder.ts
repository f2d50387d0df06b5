/**
 * Records what each request did, per operation, inside one worker: totals over the measured
 * requests (by scheduled time in the open model, send time in the closed one) and a series
 * of per-second figures by completion time. Both travel to the main thread as plain data.
 */
import {
  COARSE_DIGITS, FINE_DIGITS, LoadHistogram, type EncodedHistogram,
} from './load-histogram.js';
import type { OperationName } from './mix.js';

/**
 * What became of one request. ok: a 2xx answer; status: any other answer; timeout: no
 * answer within the timeout (or by the hard stop); connection: the socket failed; unsent:
 * scheduled but never sent before the hard stop; client: the generator had nothing to send
 * (no session for refresh or me); other: anything else.
 */
export type OutcomeKind =
  | 'ok' | 'status' | 'timeout' | 'connection' | 'unsent' | 'client' | 'other';

export interface Outcome {
  kind: OutcomeKind;
  status?: number;
}

/** Counts over measured requests; every request is in exactly one outcome bucket. */
export interface OpCounts {
  requests: number;
  ok: number;
  /** Non-2xx answers by status code. */
  status: Record<string, number>;
  timeout: number;
  connection: number;
  unsent: number;
  client: number;
  other: number;
  /** Answers (any status) received inside the measurement window, whatever their schedule. */
  answeredInWindow: number;
  okInWindow: number;
  /** Requests of the warm-up: sent, not measured. */
  warmup: number;
}

export interface SecondFigures {
  /** Seconds since the measurement window opened (by completion time). */
  second: number;
  answered: number;
  ok: number;
  errors: number;
  timeouts: number;
}

export interface EncodedSecond extends SecondFigures {
  latency: EncodedHistogram;
}

export interface EncodedOp {
  counts: OpCounts;
  latency: EncodedHistogram;
  series: EncodedSecond[];
}

interface SecondBucket extends SecondFigures {
  latency: LoadHistogram;
}

export function emptyCounts(): OpCounts {
  return {
    requests: 0, ok: 0, status: {}, timeout: 0, connection: 0, unsent: 0, client: 0, other: 0,
    answeredInWindow: 0, okInWindow: 0, warmup: 0,
  };
}

/** Latency counts for answers and timeouts; a failed socket has no meaningful latency. */
function hasLatency(kind: OutcomeKind): boolean {
  return kind === 'ok' || kind === 'status' || kind === 'timeout';
}

class OpRecorder {
  readonly counts = emptyCounts();
  readonly latency = new LoadHistogram(FINE_DIGITS);
  readonly seconds: (SecondBucket | undefined)[] = [];

  constructor(private readonly window: MeasureWindow) {}

  record(startMs: number, doneMs: number, outcome: Outcome): void {
    const { kind } = outcome;
    const latencyMs = doneMs - startMs;
    const answered = kind === 'ok' || kind === 'status';
    const { startMs: openMs, endMs: closeMs } = this.window;

    if (startMs < openMs) {
      this.counts.warmup += 1;
    } else {
      this.count(outcome);
      if (hasLatency(kind)) this.latency.recordMs(latencyMs);
    }

    if (doneMs >= openMs && doneMs < closeMs && answered) {
      this.counts.answeredInWindow += 1;
      if (kind === 'ok') this.counts.okInWindow += 1;
    }
    if (doneMs >= openMs && kind !== 'unsent') this.recordSecond(doneMs, kind, latencyMs);
  }

  private count(outcome: Outcome): void {
    const counts = this.counts;
    counts.requests += 1;
    if (outcome.kind === 'status') {
      const code = String(outcome.status ?? 0);
      counts.status[code] = (counts.status[code] ?? 0) + 1;
    } else {
      counts[outcome.kind] += 1;
    }
  }

  private recordSecond(doneMs: number, kind: OutcomeKind, latencyMs: number): void {
    const second = Math.floor((doneMs - this.window.startMs) / 1000);
    const index = Math.min(second, this.window.lastSecond);
    let bucket = this.seconds[index];
    if (!bucket) {
      bucket = { second: index, answered: 0, ok: 0, errors: 0, timeouts: 0,
        latency: new LoadHistogram(COARSE_DIGITS) };
      this.seconds[index] = bucket;
    }
    if (kind === 'ok' || kind === 'status') bucket.answered += 1;
    if (kind === 'ok') bucket.ok += 1;
    else bucket.errors += 1;
    if (kind === 'timeout') bucket.timeouts += 1;
    if (hasLatency(kind)) bucket.latency.recordMs(latencyMs);
  }

  encode(): EncodedOp {
    const series = this.seconds
      .filter((bucket): bucket is SecondBucket => bucket !== undefined)
      .map(({ latency, ...figures }) => ({ ...figures, latency: latency.encode() }));
    return { counts: this.counts, latency: this.latency.encode(), series };
  }
}

/** The measurement window in epoch ms; requests started before it are the warm-up. */
export interface MeasureWindow {
  startMs: number;
  endMs: number;
  /** Completions later than this second (the drain) share the last bucket. */
  lastSecond: number;
}

/** One recorder per operation, created on first use. */
export class RequestRecorder {
  private readonly ops = new Map<OperationName, OpRecorder>();

  constructor(private readonly window: MeasureWindow) {}

  record(op: OperationName, startMs: number, doneMs: number, outcome: Outcome): void {
    let recorder = this.ops.get(op);
    if (!recorder) {
      recorder = new OpRecorder(this.window);
      this.ops.set(op, recorder);
    }
    recorder.record(startMs, doneMs, outcome);
  }

  encode(): Partial<Record<OperationName, EncodedOp>> {
    return Object.fromEntries([...this.ops].map(([op, recorder]) => [op, recorder.encode()]));
  }
}

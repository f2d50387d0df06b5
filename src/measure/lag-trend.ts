/**
 * Whether lag stays bounded during a step of a rate sweep, and where the pipeline stops
 * keeping up (the knee). Computed from samples only, so a reader can redo it from the CSV.
 *
 * A step is "growing" when lag rises with time through the step: the least-squares slope of
 * lag against commit time is above 50 ms per second (the pipeline falls behind by more than
 * 5% of the rate) and its last third of rows lagged more than its first third. A step that
 * lost rows, failed writes or could not write at 95% of its rate is not bounded either.
 * The knee is the highest rate of the sweep up to which every step was bounded.
 */
import type { LagSample, StageName } from './lag-sample.js';
import { STAGES, stageDurationsMs } from './lag-sample.js';
import { summariseMs } from './histogram.js';

export interface LagTrend {
  firstThirdP50Ms: number | null;
  lastThirdP50Ms: number | null;
  /** Least-squares slope of lag against commit time: ms of lag gained per second of run. */
  slopeMsPerS: number | null;
  growing: boolean;
}

/** Lag gained per second of run above which a step is falling behind. */
const GROWTH_SLOPE_MS_PER_S = 50;
/**
 * Below these a step is too short to judge: Debezium's default 500 ms batching alone makes
 * the slope of a one-second step swing past the threshold either way.
 */
const MIN_TREND_ROWS = 20;
const MIN_TREND_SPAN_MS = 2000;

function slope(points: Array<[number, number]>): number | null {
  if (points.length < 2) return null;
  const n = points.length;
  const meanX = points.reduce((s, [x]) => s + x, 0) / n;
  const meanY = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  }
  return den === 0 ? null : num / den;
}

export function lagTrend(samples: readonly LagSample[]): LagTrend {
  const seen = samples.filter((s) => s.status === 'seen')
    .sort((a, b) => a.tCommitMs - b.tCommitMs);
  const third = Math.floor(seen.length / 3);
  const spanMs = seen.length > 0
    ? (seen.at(-1) as LagSample).tCommitMs - (seen[0] as LagSample).tCommitMs : 0;
  if (third === 0 || seen.length < MIN_TREND_ROWS || spanMs < MIN_TREND_SPAN_MS) {
    return { firstThirdP50Ms: null, lastThirdP50Ms: null, slopeMsPerS: null, growing: false };
  }
  const first = summariseMs(seen.slice(0, third).map((s) => s.lagMs as number)).p50;
  const last = summariseMs(seen.slice(-third).map((s) => s.lagMs as number)).p50;
  const startMs = seen[0]?.tCommitMs ?? 0;
  const perS = slope(seen.map((s) => [(s.tCommitMs - startMs) / 1000, s.lagMs as number]));
  const growing = first !== null && last !== null && perS !== null &&
    perS > GROWTH_SLOPE_MS_PER_S && last > first;
  return { firstThirdP50Ms: first, lastThirdP50Ms: last, slopeMsPerS: perS, growing };
}

export interface StepVerdict {
  rateHz: number;
  bounded: boolean;
  stageP50Ms: Record<StageName, number | null>;
}

export function stageP50s(samples: readonly LagSample[]): Record<StageName, number | null> {
  const durations = samples.filter((s) => s.status === 'seen').map(stageDurationsMs);
  const out = {} as Record<StageName, number | null>;
  for (const stage of STAGES) {
    out[stage.name] = summariseMs(durations.map((d) => d[stage.name])
      .filter((v): v is number => v !== null)).p50;
  }
  return out;
}

export interface Knee {
  /** Highest rate with every step up to it bounded; null when even the first grew. */
  kneeRateHz: number | null;
  /** First rate past the knee, and the stage whose median grew most from the knee to it. */
  firstUnboundedRateHz: number | null;
  firstGrowingStage: StageName | null;
}

export function findKnee(steps: readonly StepVerdict[]): Knee {
  const sorted = [...steps].sort((a, b) => a.rateHz - b.rateHz);
  const breakAt = sorted.findIndex((step) => !step.bounded);
  if (breakAt === -1) {
    return { kneeRateHz: sorted.at(-1)?.rateHz ?? null, firstUnboundedRateHz: null,
      firstGrowingStage: null };
  }
  const knee = breakAt > 0 ? sorted[breakAt - 1] as StepVerdict : null;
  const broken = sorted[breakAt] as StepVerdict;
  let firstGrowingStage: StageName | null = null;
  let largest = Number.NEGATIVE_INFINITY;
  for (const stage of STAGES) {
    const after = broken.stageP50Ms[stage.name];
    const before = knee?.stageP50Ms[stage.name] ?? 0;
    if (after === null || before === null) continue;
    if (after - before > largest) {
      largest = after - before;
      firstGrowingStage = stage.name;
    }
  }
  return { kneeRateHz: knee?.rateHz ?? null, firstUnboundedRateHz: broken.rateHz,
    firstGrowingStage };
}

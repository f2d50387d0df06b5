/**
 * The figures of a scale-auth run: one step per replica count, side by side, with the
 * scaling efficiency against the baseline and plain-words hints at what limits each step.
 */
import type { LatencyFigures } from './load-histogram.js';
import type { ErrorCounts, LoadSummary } from './load-results.js';

export interface ReplicaCpu {
  replica: string;
  /** CPU seconds used per second of the window: 1.0 is one core fully busy. */
  cores: number;
  bcryptCallsPerS: number;
  /** Mean wall time of a bcrypt call; it grows when calls queue inside a busy replica. */
  bcryptMeanMs: number | null;
  /** Largest number of requests seen waiting for a Postgres connection. */
  pgWaitingMax: number;
}

export interface ScaleStep {
  replicas: number;
  offeredRateHz: number | null;
  throughputHz: number;
  achievedRateHz: number;
  errorRate: number;
  errors: ErrorCounts;
  latencyMs: LatencyFigures;
  cpu: ReplicaCpu[];
  /** Fraction of all host cores busy during the window (every process, not only the lab). */
  hostBusyFraction: number;
  /** throughput / (replicas / baseline replicas x baseline throughput); null without one. */
  efficiency: number | null;
  /** True when the replicas did not serve what was offered (capacity was reached). */
  saturated: boolean;
  hints: string[];
  /** The full generator summary of this step; series and histograms files are named by it. */
  load: LoadSummary;
  files: { series: string; histograms: string };
}

export interface ScaleSummary {
  kind: 'scale-auth';
  cores: number;
  bcryptCost: number;
  /** The replica count efficiencies are measured against (1 when it was run). */
  baselineReplicas: number;
  steps: ScaleStep[];
  note: string;
}

/** Below this share of the offered rate served, a step counts as saturated. */
const SERVED_SHARE = 0.95;
const BUSY = 0.85;

export function isSaturated(load: LoadSummary): boolean {
  if (load.offeredRateHz === null) return true;
  return load.overall.throughputHz < SERVED_SHARE * load.offeredRateHz;
}

function percent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

/** Plain-words hints at what limits a step; the figures behind each are in the step. */
export function hintsFor(step: Omit<ScaleStep, 'hints' | 'efficiency'>, cores: number,
  bcryptCost: number): string[] {
  const hints: string[] = [];
  if (!step.saturated) {
    hints.push('served what was offered: throughput here is the offered rate, not capacity; ' +
      'raise --rate to find the limit');
  }
  if (step.hostBusyFraction >= BUSY) {
    hints.push(`host CPU ${percent(step.hostBusyFraction)} busy on ${cores} cores ` +
      '(generator, replicas, Postgres, Redis share them): more replicas add no CPU');
  }
  const busiest = [...step.cpu].sort((a, b) => b.cores - a.cores)[0];
  if (busiest && busiest.cores >= BUSY) {
    hints.push(`${busiest.replica} uses ${busiest.cores.toFixed(2)} cores: a Node replica runs ` +
      'its JavaScript on one core');
  }
  const bcrypt = step.cpu.filter((c) => c.bcryptMeanMs !== null);
  if (bcrypt.length > 0) {
    const callsPerS = bcrypt.reduce((sum, c) => sum + c.bcryptCallsPerS, 0);
    const meanMs = bcrypt.reduce((sum, c) => sum + (c.bcryptMeanMs ?? 0), 0) / bcrypt.length;
    hints.push(`bcrypt cost ${bcryptCost}: ${callsPerS.toFixed(1)} calls/s, mean ` +
      `${meanMs.toFixed(1)} ms per call`);
  }
  const waiting = Math.max(0, ...step.cpu.map((c) => c.pgWaitingMax));
  if (waiting > 0) {
    hints.push(`up to ${waiting} requests waited for a Postgres connection: the pool ` +
      '(AUTHLAB_PG_POOL_MAX, 10 per replica) is a limit');
  }
  if (step.errorRate > 0.01) hints.push(`${percent(step.errorRate)} of requests failed`);
  if (step.replicas > cores) hints.push(`${step.replicas} replicas on ${cores} cores`);
  return hints;
}

/** Efficiency of each step against the baseline (the 1-replica step, else the smallest). */
export function withEfficiency(steps: Omit<ScaleStep, 'efficiency'>[]): {
  steps: ScaleStep[]; baselineReplicas: number;
} {
  const baseline = [...steps].sort((a, b) => a.replicas - b.replicas)[0];
  const baselineReplicas = baseline?.replicas ?? 1;
  const perReplica = baseline && baseline.throughputHz > 0 ?
    baseline.throughputHz / baseline.replicas : null;
  return {
    baselineReplicas,
    steps: steps.map((step) => ({
      ...step,
      efficiency: perReplica === null ? null : step.throughputHz / (step.replicas * perReplica),
    })),
  };
}

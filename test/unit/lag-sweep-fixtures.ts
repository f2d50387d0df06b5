/**
 * Deterministic rate-sweep runs for the report tests: samples for several rates (the higher
 * ones can be made to fall behind) and the summary built from them step by step the way
 * experiments/replication-lag.ts builds summary.json.
 */
import { join } from 'node:path';

import { buildLagSample, writeLagSamples, type LagSample } from '../../src/measure/lag-sample.js';
import { summariseMs } from '../../src/measure/histogram.js';
import { summariseLag } from '../../src/measure/lag-summary.js';
import { findKnee, lagTrend, stageP50s } from '../../src/measure/lag-trend.js';
import type { LagRun } from '../../src/report/lag-report.js';
import type { LagStep, ReplicationLagSummary } from '../../src/report/lag-run-summary.js';
import {
  createRunFolder, hostInfo, writeRunInfo, writeSummaryJson, type RunFolder, type RunInfo,
} from '../../src/report/run-folder.js';
import type { TuningProfile } from '../../src/stack/tuning.js';
import { makeSamples, seededRandom } from './lag-fixtures.js';

export interface SweepOptions {
  rates: number[];
  durationS?: number;
  /** From this rate up, the deliver stage falls behind: lag grows along the step. */
  growFromRateHz?: number;
  lostEvery?: number;
  seed?: number;
}

const GAP_MS = 1000;

/** A sample with `extraMs` more time spent between Kafka and the consumer. */
function delayed(sample: LagSample, extraMs: number): LagSample {
  const later = (t: number | null) => (t === null ? null : t + extraMs);
  const { lagMs: _lag, status: _status, ...observation } = sample;
  return buildLagSample({
    ...observation,
    consumedAtMs: later(sample.consumedAtMs),
    writtenAtMs: later(sample.writtenAtMs),
    tVisibleMs: later(sample.tVisibleMs),
  });
}

function shifted(sample: LagSample, byMs: number, userId: string): LagSample {
  const move = (t: number | null) => (t === null ? null : t + byMs);
  const { lagMs: _lag, status: _status, ...o } = sample;
  return buildLagSample({
    ...o, userId, tScheduledMs: o.tScheduledMs + byMs, tCommitMs: o.tCommitMs + byMs,
    tVisibleMs: move(o.tVisibleMs), sourceTsMs: move(o.sourceTsMs), dbzTsMs: move(o.dbzTsMs),
    kafkaTsMs: move(o.kafkaTsMs), consumedAtMs: move(o.consumedAtMs),
    writtenAtMs: move(o.writtenAtMs),
  });
}

/** Steps one after the other in time, each with its own user ids. */
export function makeSweepSamples(options: SweepOptions): LagSample[] {
  const { rates, durationS = 3, growFromRateHz = Number.POSITIVE_INFINITY, lostEvery = 0 } =
    options;
  const samples: LagSample[] = [];
  let offsetMs = 0;
  rates.forEach((rateHz, i) => {
    const count = Math.round(rateHz * durationS);
    const step = makeSamples({ count, rateHz, seed: (options.seed ?? 11) + i, lostEvery });
    for (const sample of step) {
      let s = shifted(sample, offsetMs, `r${rateHz}-user-${sample.seq}`);
      // Falling behind: each row waits half of the time since the step began.
      if (rateHz >= growFromRateHz) s = delayed(s, (sample.seq * 1000 / rateHz) * 0.5);
      samples.push(s);
    }
    offsetMs += durationS * 1000 + GAP_MS;
  });
  return samples;
}

export const LOW_LATENCY: TuningProfile = {
  name: 'low-latency',
  description: 'short waits at every hop',
  connector: { 'poll.interval.ms': '5', 'producer.override.linger.ms': '0' },
  profileConsumer: { maxWaitMs: 10 },
};

export const DEFAULT_TUNING: TuningProfile = {
  name: 'default', description: 'library defaults', connector: {}, profileConsumer: {},
};

/** summary.json of a sweep, assembled from the samples as the experiment does it. */
export function sweepSummary(
  samples: readonly LagSample[], rates: readonly number[], tuning = DEFAULT_TUNING,
): ReplicationLagSummary {
  const random = seededRandom(3);
  const cycles = Array.from({ length: 400 }, () => 1.5 + random() * 2);
  const watcher = { polls: 400, cycleMs: summariseMs(cycles),
    queryMs: summariseMs(cycles.map((c) => c * 0.6)), pollIntervalMs: 2, queryErrors: 0 };
  const resolutionMs = watcher.cycleMs.p50 as number;

  const steps: LagStep[] = rates.map((rateHz) => {
    const own = samples.filter((s) => s.rateHz === rateHz);
    const summary = summariseLag(own, { watcherResolutionMs: resolutionMs });
    const trend = lagTrend(own);
    return {
      rateHz, count: own.length, trend, bounded: summary.lost === 0 && !trend.growing, summary,
      writes: { offeredRateHz: rateHz, achievedRateHz: rateHz * 0.998, maxScheduleSlipMs: 1.25,
        failed: 0, firstError: null },
    };
  });
  const knee = findKnee(steps.map((step) => ({ rateHz: step.rateHz, bounded: step.bounded,
    stageP50Ms: stageP50s(samples.filter((s) => s.rateHz === step.rateHz)) })));
  return {
    ...summariseLag(samples, { watcherResolutionMs: resolutionMs }),
    via: 'sql', target: 'postgres', tuning, steps, knee, watcher,
  };
}

export function sweepRunInfo(rates: readonly number[], profile = 'default'): RunInfo {
  return {
    experiment: 'replication-lag',
    parameters: { rates: rates.join(','), duration: 3, via: 'sql', profile },
    runtime: 'local',
    versions: { postgres: '17.5', kafka: '4.1.0' },
    host: hostInfo(),
    gitCommit: 'abc123',
    startedAt: '2025-06-01T10:20:30.000Z',
    endedAt: '2025-06-01T10:21:00.000Z',
  };
}

/** A whole sweep run in memory: what loadLagRun gives back for a folder. */
export function sweepRun(
  runName: string, options: SweepOptions, tuning = DEFAULT_TUNING,
): LagRun {
  const samples = makeSweepSamples(options);
  return { runName, run: sweepRunInfo(options.rates, tuning.name), samples,
    summary: sweepSummary(samples, options.rates, tuning) };
}

/** Writes a sweep run folder (run.json, samples.csv, summary.json) as the experiment does. */
export async function writeSweepRun(
  resultsDir: string, at: Date, options: SweepOptions, tuning = DEFAULT_TUNING,
): Promise<RunFolder> {
  const folder = await createRunFolder(resultsDir, 'replication-lag', at);
  const { run, samples, summary } = sweepRun(folder.name, options, tuning);
  await writeRunInfo(folder.path, run);
  await writeLagSamples(join(folder.path, 'samples.csv'), samples);
  await writeSummaryJson(folder.path, summary);
  return folder;
}

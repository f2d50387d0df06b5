/**
 * The figures of a replication-lag run, computed only from its samples, so summary.json can
 * be recomputed from the samples CSV by anyone. The result does not depend on sample order.
 *
 * Counting: every row counts in `count`. Rows are grouped by userId; each extra row for a
 * userId is a duplicate (the writer wrote it twice, or the watcher saw the doc twice and
 * recorded it again). Each userId then counts once, as seen if any of its rows was seen
 * (using the earliest sighting) or else as lost, so count = seen + lost + duplicates.
 */
import { summariseMs, type MsSummary } from './histogram.js';
import { STAGES, stageDurationsMs, type LagSample, type StageName } from './lag-sample.js';

export interface StageSummary extends MsSummary {
  label: string;
}

export interface LagSummary {
  count: number;
  seen: number;
  lost: number;
  duplicates: number;
  /** Over seen userIds; its count equals `seen`. */
  lagMs: MsSummary;
  /** Per stage over seen userIds that carry both of the stage's timestamps. */
  stages: Record<StageName, StageSummary>;
  /** How often the watcher polled: no lag figure is finer than this. */
  watcherResolutionMs: number;
  /** Commit times of the first and last sample, null when there are none. */
  firstCommitMs: number | null;
  lastCommitMs: number | null;
}

export interface SummariseOptions {
  watcherResolutionMs: number;
}

function bySeq(a: LagSample, b: LagSample): number {
  return a.seq - b.seq || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0);
}

/** Whether `candidate` is the better row for its userId: seen beats lost, earlier beats later. */
function isBetter(candidate: LagSample, current: LagSample): boolean {
  if (candidate.status !== current.status) return candidate.status === 'seen';
  if (candidate.status === 'seen') {
    const diff = (candidate.tVisibleMs as number) - (current.tVisibleMs as number);
    if (diff !== 0) return diff < 0;
  }
  return bySeq(candidate, current) < 0;
}

/** One row per userId (the one the summary counts), in seq order. */
export function pickRepresentatives(samples: readonly LagSample[]): LagSample[] {
  const byUser = new Map<string, LagSample>();
  for (const sample of samples) {
    const current = byUser.get(sample.userId);
    if (!current || isBetter(sample, current)) byUser.set(sample.userId, sample);
  }
  return [...byUser.values()].sort(bySeq);
}

function summariseStages(seen: readonly LagSample[]): Record<StageName, StageSummary> {
  const durations = seen.map(stageDurationsMs);
  const out = {} as Record<StageName, StageSummary>;
  for (const stage of STAGES) {
    const values = durations.map((d) => d[stage.name]).filter((v): v is number => v !== null);
    out[stage.name] = { label: stage.label, ...summariseMs(values) };
  }
  return out;
}

function commitRange(samples: readonly LagSample[]): [number | null, number | null] {
  if (samples.length === 0) return [null, null];
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const { tCommitMs } of samples) {
    first = Math.min(first, tCommitMs);
    last = Math.max(last, tCommitMs);
  }
  return [first, last];
}

export function summariseLag(
  samples: readonly LagSample[],
  options: SummariseOptions,
): LagSummary {
  const representatives = pickRepresentatives(samples);
  const seen = representatives.filter((s) => s.status === 'seen');
  const [firstCommitMs, lastCommitMs] = commitRange(samples);

  return {
    count: samples.length,
    seen: seen.length,
    lost: representatives.length - seen.length,
    duplicates: samples.length - representatives.length,
    lagMs: summariseMs(seen.map((s) => s.lagMs as number)),
    stages: summariseStages(seen),
    watcherResolutionMs: options.watcherResolutionMs,
    firstCommitMs,
    lastCommitMs,
  };
}

/**
 * replication-lag: how long after a user's row is committed in Postgres its profile document
 * is visible in Mongo, end to end and split by pipeline stage; optionally swept over write
 * rates to find where the pipeline stops keeping up.
 *
 * Rows are written open-loop at the target rate (a slow pipeline shows up as lag, never as a
 * slower writer), straight into Postgres (`--via sql`, the CDC path alone) or through the
 * auth service's signup (`--via api`, the whole path). A watcher notes when each committed
 * row's profile document becomes visible (src/lab/lag-watcher-for-lab.ts says which one);
 * rows not seen within the timeout are counted as lost.
 */
import { basename, join } from 'node:path';
import type { MongoClient } from 'mongodb';

import { badInput, LabError } from '../src/errors.js';
import type {
  ExperimentContext, ExperimentDefinition, ExperimentOutcome,
} from '../src/experiments/experiment-definition.js';
import { systemClock, timerClock } from '../src/measure/clock.js';
import { buildLagSample, LagSampleWriter, type LagSample } from '../src/measure/lag-sample.js';
import { summariseLag } from '../src/measure/lag-summary.js';
import { findKnee, lagTrend, stageP50s } from '../src/measure/lag-trend.js';
import type { VisibilityWatcher } from '../src/measure/visibility-watcher.js';
import { apiWriter, sqlWriter, type UserWriter } from '../src/measure/lag-writers.js';
import { runOpenLoop } from '../src/measure/open-loop-schedule.js';
import { RUN_FILES } from '../src/report/run-folder.js';
import type { ReplicationLagSummary } from '../src/report/lag-run-summary.js';
import { renderTerminal } from '../src/report/render-terminal.js';
import { loadTuning, tuningNames } from '../src/stack/tuning.js';
import {
  lagWatcherFor, WATCHER_CHOICES, type WatcherChoice,
} from '../src/lab/lag-watcher-for-lab.js';
import { connectLabMongo } from '../src/lab/lab-mongo.js';
import { lostRowsNotes } from '../src/lab/lost-rows-note.js';
import { recordSeries } from '../src/lab/prometheus-client.js';
import { runtimeFor } from '../src/lab/running-lab.js';
import { withLabLock } from '../src/runtime/lab-lock.js';
import type { LabRuntime } from '../src/runtime/runtime.js';

const MAX_RATE_HZ = 20_000;
const MAX_STEPS = 12;

/** "100,500,1000" -> a list of distinct rates, checked before anything runs. */
export function parseRates(raw: string, flag: string): string {
  if (raw.trim() === '') throw badInput(`${flag} needs at least one rate, e.g. 100,500`);
  const rates = raw.split(',').map((part) => part.trim());
  if (rates.length > MAX_STEPS) throw badInput(`${flag} takes at most ${MAX_STEPS} rates`);
  for (const rate of rates) {
    const value = Number(rate);
    if (!/^\d+(\.\d+)?$/.test(rate) || !(value > 0) || value > MAX_RATE_HZ) {
      throw badInput(`${flag}: "${rate}" is not a rate in (0, ${MAX_RATE_HZ}] rows/s`);
    }
  }
  if (new Set(rates.map(Number)).size !== rates.length) throw badInput(`${flag} repeats a rate`);
  return rates.join(',');
}

interface Step {
  rateHz: number;
  count: number;
}

function plannedSteps(params: ExperimentContext['params']): Step[] {
  const rates = String(params.rates);
  if (rates === '') return [{ rateHz: params.rate as number, count: params.count as number }];
  return rates.split(',').map(Number).map((rateHz) => ({
    rateHz, count: Math.max(1, Math.round(rateHz * (params.duration as number))),
  }));
}

function chooseWriter(context: ExperimentContext): { writer: UserWriter; target: string } {
  const { lab, params } = context;
  if (params.via === 'sql') {
    return { writer: sqlWriter(lab.endpoints.postgresUrl, systemClock), target: 'postgres' };
  }
  const viaNginx = lab.replicas('nginx').length > 0;
  if (!viaNginx && lab.replicas('auth').length === 0) {
    throw badInput('--via api needs the auth service; start the lab with `authlab up`');
  }
  const url = viaNginx ? lab.endpoints.nginxUrl : lab.endpoints.authUrl(1);
  return { writer: apiWriter(url, systemClock), target: viaNginx ? 'nginx' : 'auth-1' };
}

async function runStep(context: ExperimentContext, step: Step, writer: UserWriter,
  watcher: VisibilityWatcher) {
  const rows: Array<{ seq: number; userId: string; tScheduledMs: number; tCommitMs: number }> = [];
  const errors: string[] = [];
  context.say(`step ${step.rateHz}/s: writing ${step.count} rows`);
  const schedule = await runOpenLoop({
    count: step.count,
    rateHz: step.rateHz,
    // Timers only: at 1000 rows/s a spinning wait would take a core from the lab measured.
    clock: timerClock,
    // Bounded in time as well as count: the schedule's own length plus a minute.
    maxDurationMs: (step.count / step.rateHz) * 1000 + 60_000,
    signal: context.signal,
  }, async (seq, tScheduledMs) => {
    try {
      const { userId, tCommitMs } = await writer.write(seq);
      watcher.watch(userId);
      rows.push({ seq, userId, tScheduledMs, tCommitMs });
    } catch (error) {
      errors.push((error as Error).message);
    }
  });

  context.say(`step ${step.rateHz}/s: wrote ${rows.length} (${errors.length} failed); waiting ` +
    `up to ${context.params.timeout} ms for ${watcher.pendingCount} documents`);
  await watcher.drain(context.params.timeout as number, context.signal);
  const samples = rows.map((row): LagSample => {
    const sighting = watcher.sightings.get(row.userId);
    return buildLagSample({
      rateHz: step.rateHz,
      ...row,
      tVisibleMs: sighting?.tVisibleMs ?? null,
      sourceTsMs: sighting?.cdc.sourceTsMs ?? null,
      dbzTsMs: sighting?.cdc.dbzTsMs ?? null,
      kafkaTsMs: sighting?.cdc.kafkaTsMs ?? null,
      consumedAtMs: sighting?.cdc.consumedAtMs ?? null,
      writtenAtMs: sighting?.cdc.writtenAtMs ?? null,
      replica: sighting?.cdc.replica ?? null,
    });
  });
  const writes = {
    offeredRateHz: step.rateHz,
    achievedRateHz: schedule.achievedRateHz,
    maxScheduleSlipMs: schedule.maxScheduleSlipMs,
    failed: errors.length,
    firstError: errors[0] ?? null,
  };
  return { samples, writes };
}

/** What Prometheus saw of the profile replicas during the run, stored beside the samples. */
async function recordPipelineSeries(context: ExperimentContext, startedMs: number) {
  if (context.lab.replicas('prometheus').length === 0) return null;
  // Prometheus scrapes every 2 s: give it one more scrape of the run's end.
  await new Promise((resolve) => setTimeout(resolve, 2500));
  const result = await recordSeries(context.lab.endpoints.prometheusUrl, context.runDir, {
    'profile-applied-per-s':
      'sum by (replica) (rate(authlab_profile_events_applied_total[10s]))',
    'profile-cpu-cores': 'sum by (replica) (rate(authlab_profile_process_cpu_seconds_total[10s]))',
  }, startedMs, Date.now());
  if (result.failed.length > 0) {
    context.say(`Prometheus did not answer for: ${result.failed.join(', ')}`);
  }
  return { files: result.written.map((path) => basename(path)), failed: result.failed };
}

async function run(context: ExperimentContext): Promise<ExperimentOutcome> {
  const { config, lab, params, runDir, say } = context;
  const tuning = loadTuning(params.profile as string);
  const runtime = runtimeFor(config);
  // Under the lab's lock: two experiments switching at once left the connector in one
  // profile, the consumers in another and the state naming either.
  const switched = await withLabLock(config.labDir, `experiment --profile ${tuning.name}`,
    async () => runtime.applyTuning?.(tuning.name) ?? false);
  if (switched) say(`lab switched to tuning "${tuning.name}"`);

  const { writer, target } = chooseWriter(context);
  let mongo: MongoClient | null = null;
  let watcher: VisibilityWatcher | null = null;
  let samplesFile: LagSampleWriter | null = null;
  try {
    mongo = await connectLabMongo(lab.endpoints.mongoUrl);
    watcher = await lagWatcherFor(lab, params.watcher as WatcherChoice, mongo,
      params['poll-interval'] as number);
    samplesFile = await LagSampleWriter.open(join(runDir, RUN_FILES.samples));
    return await measure(context, { writer, target, tuning, watcher, samplesFile, runtime });
  } finally {
    await watcher?.stop();
    await samplesFile?.close();
    await writer.close();
    await mongo?.close();
  }
}

interface Measurement {
  writer: UserWriter;
  target: string;
  tuning: ReturnType<typeof loadTuning>;
  watcher: VisibilityWatcher;
  samplesFile: LagSampleWriter;
  runtime: LabRuntime;
}

async function measure(context: ExperimentContext, m: Measurement): Promise<ExperimentOutcome> {
  const { params, say } = context;
  const { writer, watcher, samplesFile } = m;
  const startedMs = Date.now();
  await watcher.start();
  say(`watching with the ${watcher.kind} watcher, every ${params['poll-interval']} ms`);
  const all: LagSample[] = [];
  const steps = [];
  for (const step of plannedSteps(params)) {
    if (context.signal.aborted) break;
    const { samples, writes } = await runStep(context, step, writer, watcher);
    for (const sample of samples) await samplesFile.write(sample);
    // After the samples are stored: what was measured before the watcher died is kept.
    if (watcher.failure) throw new LabError('COMPONENT_FAILED', watcher.failure);
    all.push(...samples);
    const summary = summariseLag(samples, { watcherResolutionMs: 0 });
    const trend = lagTrend(samples);
    steps.push({ rateHz: step.rateHz, count: step.count, writes, trend,
      bounded: summary.lost === 0 && writes.failed === 0 && !trend.growing &&
        writes.achievedRateHz >= 0.95 * step.rateHz,
      summary });
  }
  await watcher.stop();

  const watcherStats = watcher.stats();
  const resolutionMs = watcherStats.cycleMs.p50 ?? params['poll-interval'] as number;
  for (const step of steps) step.summary.watcherResolutionMs = resolutionMs;
  const overall = summariseLag(all, { watcherResolutionMs: resolutionMs });
  const knee = findKnee(steps.map((step) => ({
    rateHz: step.rateHz, bounded: step.bounded,
    stageP50Ms: stageP50s(all.filter((s) => s.rateHz === step.rateHz)),
  })));
  const prometheus = await recordPipelineSeries(context, startedMs);
  const notes = await lostRowsNotes(m.runtime, overall.lost);
  for (const note of notes) say(note);
  const summary = {
    ...overall,
    via: params.via,
    target: m.target,
    tuning: m.tuning,
    steps,
    knee,
    watcher: watcherStats,
    prometheus,
    notes,
  };
  return { summary, table: renderTerminal(summary as ReplicationLagSummary) };
}

export const replicationLag: ExperimentDefinition = {
  name: 'replication-lag',
  summary: 'time from a Postgres commit to the profile document in Mongo, by stage',
  params: [
    { name: 'count', kind: 'int', default: 200, min: 1, max: 1_000_000, unit: 'rows',
      help: 'rows to insert (single-rate run)' },
    { name: 'rate', kind: 'number', default: 50, min: 0, exclusiveMin: true, max: MAX_RATE_HZ,
      unit: 'rows/s', help: 'insert rate, open loop (single-rate run)' },
    { name: 'rates', kind: 'text', default: '', unit: 'r1,r2,...', check: parseRates,
      excludes: { names: ['count', 'rate'], why: 'a sweep runs each rate for --duration seconds' },
      help: 'sweep these rates instead, each for --duration seconds' },
    { name: 'duration', kind: 'number', default: 10, min: 0, exclusiveMin: true, max: 600,
      unit: 's', help: 'length of each sweep step' },
    { name: 'via', kind: 'choice', default: 'sql', choices: ['sql', 'api'],
      help: 'write rows straight into Postgres, or sign users up through the auth service' },
    { name: 'profile', kind: 'choice', default: 'default', choices: tuningNames(),
      help: 'tuning profile (stacks/tuning) the lab is switched to before measuring' },
    { name: 'timeout', kind: 'int', default: 30_000, min: 100, max: 3_600_000, unit: 'ms',
      help: 'how long after a step\'s last write a missing document may still arrive' },
    // Not below 1 ms: the storage watcher's sleeps cannot be shorter (Go's timers wake through
    // a poller with millisecond timeouts), and the wire watcher's lookups take longer anyway.
    { name: 'poll-interval', kind: 'number', default: 1, min: 1, max: 1000, unit: 'ms',
      help: 'how often the watcher looks for new profile documents' },
    { name: 'watcher', kind: 'choice', default: 'auto', choices: [...WATCHER_CHOICES],
      help: 'storage: read FerretDB\'s committed rows (local runtime); wire: ask Mongo for ' +
        'each id; auto: storage where possible' },
  ],
  run,
};

/**
 * replication-lag: how long after a Postgres COMMIT the matching profile document is
 * visible in Mongo, end to end and split by pipeline stage.
 *
 * Rows are written open-loop at the target rate (a slow pipeline shows up as lag, never
 * as a slower writer) straight into Postgres, so the CDC path is measured alone. A watcher
 * polls Mongo by `_id` for each committed row; rows not seen within the timeout are lost.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import pg from 'pg';

import type {
  ExperimentContext, ExperimentDefinition, ExperimentOutcome,
} from '../src/experiments/experiment-definition.js';
import { systemClock } from '../src/measure/clock.js';
import { buildLagSample, LagSampleWriter, type LagSample } from '../src/measure/lag-sample.js';
import { summariseLag } from '../src/measure/lag-summary.js';
import { LagWatcher } from '../src/measure/lag-watcher.js';
import { runOpenLoop } from '../src/measure/open-loop-schedule.js';
import { RUN_FILES } from '../src/report/run-folder.js';
import { renderTerminal } from '../src/report/render-terminal.js';
import { MONGO_DATABASE } from '../src/stack/endpoints.js';

interface WrittenRow {
  seq: number;
  userId: string;
  tScheduledMs: number;
  tCommitMs: number;
}

/** A placeholder hash no password can match: these rows exist to be replicated, not used. */
const UNUSABLE_PASSWORD_HASH = '!lab-row';

async function writeRows(context: ExperimentContext, pool: pg.Pool, watcher: LagWatcher) {
  const { params, signal, say } = context;
  const count = params.count as number;
  const rateHz = params.rate as number;
  const runTag = randomBytes(4).toString('hex');
  const rows: WrittenRow[] = [];
  let writeErrors = 0;
  let lastWriteError = '';

  say(`writing ${count} rows at ${rateHz}/s into Postgres (run tag ${runTag})`);
  const schedule = await runOpenLoop({
    count,
    rateHz,
    clock: systemClock,
    // Bounded in time as well as count: the schedule's own length plus a minute.
    maxDurationMs: (count / rateHz) * 1000 + 60_000,
    signal,
  }, async (seq, scheduledMs) => {
    const email = `lag-${runTag}-${seq}@lab.invalid`;
    try {
      const result = await pool.query<{ id: string }>(
        'INSERT INTO users (email, email_normalized, password_hash, display_name) ' +
        'VALUES ($1, $1, $2, $3) RETURNING id',
        [email, UNUSABLE_PASSWORD_HASH, `lag probe ${seq}`],
      );
      const tCommitMs = systemClock.nowMs();
      const userId = (result.rows[0] as { id: string }).id;
      watcher.watch(userId);
      rows.push({ seq, userId, tScheduledMs: scheduledMs, tCommitMs });
    } catch (error) {
      writeErrors += 1;
      lastWriteError = (error as Error).message;
    }
  });
  return { rows, schedule, writeErrors, lastWriteError };
}

async function run(context: ExperimentContext): Promise<ExperimentOutcome> {
  const { lab, params, runDir, say } = context;
  const pool = new pg.Pool({ connectionString: lab.endpoints.postgresUrl, max: 16 });
  const mongo = new MongoClient(lab.endpoints.mongoUrl);
  await mongo.connect();
  const watcher = new LagWatcher(mongo.db(MONGO_DATABASE).collection('profiles'), {
    pollIntervalMs: params['poll-interval'] as number,
    clock: systemClock,
  });

  try {
    watcher.start();
    const written = await writeRows(context, pool, watcher);
    say(`wrote ${written.rows.length} rows (${written.writeErrors} failed); ` +
      `waiting up to ${params.timeout} ms for ${watcher.pendingCount} documents`);
    await watcher.drain(params.timeout as number);
    await watcher.stop();

    const samples = written.rows.map((row): LagSample => {
      const sighting = watcher.sightings.get(row.userId);
      return buildLagSample({
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
    const writer = await LagSampleWriter.open(join(runDir, RUN_FILES.samples));
    for (const sample of samples) await writer.write(sample);
    await writer.close();

    const watcherStats = watcher.stats();
    const lag = summariseLag(samples, { watcherResolutionMs: watcherStats.cycleMs.p50 ?? 0 });
    const summary = {
      ...lag,
      writes: {
        offeredRateHz: params.rate,
        achievedRateHz: written.schedule.achievedRateHz,
        maxScheduleSlipMs: written.schedule.maxScheduleSlipMs,
        failed: written.writeErrors,
        lastError: written.lastWriteError || null,
      },
      watcher: watcherStats,
    };
    return { summary, table: renderTerminal(lag) };
  } finally {
    await watcher.stop();
    await pool.end();
    await mongo.close();
  }
}

export const replicationLag: ExperimentDefinition = {
  name: 'replication-lag',
  summary: 'time from a Postgres commit to the profile document in Mongo, by stage',
  params: [
    { name: 'count', kind: 'int', default: 200, min: 1, max: 1_000_000, unit: 'rows',
      help: 'rows to insert' },
    { name: 'rate', kind: 'number', default: 50, min: 0, exclusiveMin: true, max: 20_000,
      unit: 'rows/s', help: 'insert rate (open loop)' },
    { name: 'timeout', kind: 'int', default: 30_000, min: 100, max: 3_600_000, unit: 'ms',
      help: 'how long after the last insert a missing document may still arrive' },
    { name: 'poll-interval', kind: 'number', default: 2, min: 0.1, max: 1000, unit: 'ms',
      help: 'how often the watcher polls Mongo' },
  ],
  run,
};

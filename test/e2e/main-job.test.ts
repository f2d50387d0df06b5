/**
 * The main job through the real CLI on real components:
 * up -> experiment replication-lag (200 rows) -> report -> down.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MongoClient } from 'mongodb';

import { readLagSamples } from '../../src/measure/lag-sample.js';
import { summariseLag } from '../../src/measure/lag-summary.js';
import { isPortFree } from '../../src/runtime/local/ports-free.js';
import { isOurProcessAlive } from '../../src/runtime/local/process-supervisor.js';
import type { LabState } from '../../src/runtime/lab-state.js';
import { createTestLab, type TestLab } from '../support/cli.js';

const ROWS = 200;

function readState(lab: TestLab): LabState {
  return JSON.parse(readFileSync(join(lab.labDir, 'state.json'), 'utf8')) as LabState;
}

function onlyRun(lab: TestLab): string {
  const runs = readdirSync(lab.resultsDir).filter((name) => name.includes('_'));
  assert.equal(runs.length, 1, `one run folder expected, found ${runs.join(', ')}`);
  return join(lab.resultsDir, runs[0] as string);
}

describe('the main job: up, replication-lag, report, down', { timeout: 900_000 }, () => {
  let lab: TestLab;
  let stateBeforeDown: LabState;

  before(async () => {
    lab = await createTestLab('main');
  });

  after(async () => {
    // Whatever happened above, leave no process behind.
    await lab.dispose();
  });

  test('report with no runs says so and exits 1', async () => {
    const result = await lab.run(['report']);
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /no runs in/);
  });

  test('an experiment with no lab running exits 1 and says how to start one', async () => {
    const result = await lab.run(['experiment', 'replication-lag']);
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /no lab is running.*authlab up/);
  });

  test('up boots every component and records it', async () => {
    const result = await lab.run(['up'], { timeoutMs: 600_000 });
    assert.equal(result.exitCode, 0, result.stderr);
    const state = readState(lab);
    assert.deepEqual(Object.keys(state.replicas).sort(),
      ['auth-1', 'connect', 'kafka', 'mongo', 'nginx', 'postgres', 'profile-1', 'prometheus',
        'redis']);
    for (const record of Object.values(state.replicas)) {
      assert.ok(isOurProcessAlive(record.pid, record.pidStartTicks), `${record.id} is alive`);
    }
    assert.match(result.stdout, /kafka\s+│\s+kafka\s+│\s+ready/);
  });

  test('up a second time changes nothing', async () => {
    const before = readState(lab);
    const result = await lab.run(['up']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(readState(lab).replicas, before.replicas);
    assert.match(result.stderr, /already running/);
  });

  for (const [args, reason] of [
    [['experiment', 'nope'], /no experiment named "nope"; experiments: replication-lag/],
    [['experiment', 'replication-lag', '--count', '-5'], /--count must be at least 1, got -5/],
    [['experiment', 'replication-lag', '--rate', '0'], /--rate must be greater than 0, got 0/],
    [['experiment', 'replication-lag', '--rate', 'abc'], /--rate must be a number, got "abc"/],
    [['experiment', 'replication-lag', '--bogus', '1'], /has no option --bogus/],
  ] as const) {
    test(`bad input: ${args.slice(1).join(' ')} exits 2 with the reason`, async () => {
      const result = await lab.run([...args]);
      assert.equal(result.exitCode, 2);
      assert.match(result.stderr, reason);
      assert.equal(result.stderr.trim().split('\n').length, 1, 'one line, no stack trace');
    });
  }

  test(`replication-lag with ${ROWS} rows sees every row in Mongo`, async () => {
    const result = await lab.run(
      ['experiment', 'replication-lag', '--count', String(ROWS), '--rate', '50'],
      { timeoutMs: 300_000 });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /p99/);

    const runDir = onlyRun(lab);
    for (const file of ['run.json', 'samples.csv', 'summary.json', 'report.md']) {
      assert.ok(existsSync(join(runDir, file)), `${file} exists`);
    }

    const samples = await readLagSamples(join(runDir, 'samples.csv'));
    assert.equal(samples.length, ROWS);
    assert.equal(samples.filter((s) => s.status === 'lost').length, 0);

    const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'));
    assert.equal(summary.count, ROWS);
    assert.equal(summary.seen, ROWS);
    assert.equal(summary.lost, 0);
    const recomputed = summariseLag(samples, { watcherResolutionMs: summary.watcherResolutionMs });
    assert.deepEqual(summary.lagMs, JSON.parse(JSON.stringify(recomputed.lagMs)));
    assert.deepEqual(summary.stages, JSON.parse(JSON.stringify(recomputed.stages)));
    assert.ok(summary.lagMs.p50 > 0, 'lag is a measured, positive figure');

    const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));
    assert.equal(run.experiment, 'replication-lag');
    assert.equal(run.parameters.count, ROWS);
    assert.ok(run.endedAt, 'the run recorded its end');

    const state = readState(lab);
    const mongo = new MongoClient(`mongodb://127.0.0.1:${state.replicas.mongo?.port}/`);
    try {
      const ids = samples.map((s) => s.userId);
      const found = await mongo.db('authlab').collection('profiles')
        .countDocuments({ _id: { $in: ids } } as never);
      assert.equal(found, ROWS);
    } finally {
      await mongo.close();
    }
  });

  test('report renders the latest run and writes report.md', async () => {
    const result = await lab.run(['report']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /p50/);
    const json = await lab.run(['report', '--format', 'json']);
    assert.equal(JSON.parse(json.stdout).count, ROWS);
  });

  test('down stops every process and frees every port', async () => {
    stateBeforeDown = readState(lab);
    const result = await lab.run(['down']);
    assert.equal(result.exitCode, 0, result.stderr);
    for (const record of Object.values(stateBeforeDown.replicas)) {
      assert.equal(isOurProcessAlive(record.pid, record.pidStartTicks), false, `${record.id} ended`);
      assert.ok(await isPortFree(record.port), `port ${record.port} of ${record.id} is free`);
    }
    assert.deepEqual(readState(lab).replicas, {});
  });
});

/**
 * Replication lag in depth, on the real stack: stage timestamps, rate sweeps recomputed from
 * their samples, and rows reported lost when the profile service stops mid-run.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';

import { readLagSamples, type LagSample } from '../../src/measure/lag-sample.js';
import { summariseLag } from '../../src/measure/lag-summary.js';
import { withLabLock } from '../../src/runtime/lab-lock.js';
import { PORT_OFFSETS } from '../../src/stack/ports.js';
import { createTestLab, type TestLab } from '../support/cli.js';

function newestRun(lab: TestLab): string {
  const runs = readdirSync(lab.resultsDir).filter((name) => name.includes('_')).sort();
  return join(lab.resultsDir, runs.at(-1) as string);
}

function readSummary(runDir: string) {
  return JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'));
}

/** Whole-millisecond clocks (Postgres, the JVMs) against sub-millisecond ones. */
const CLOCK_RESOLUTION_MS = 1;

describe('replication lag in depth', { timeout: 900_000 }, () => {
  let lab: TestLab;

  before(async () => {
    lab = await createTestLab('lagdepth');
    const up = await lab.run(['up'], { timeoutMs: 600_000 });
    assert.equal(up.exitCode, 0, up.stderr);
  });

  after(async () => {
    await lab.dispose();
  });

  test('stage timestamps are ordered along the pipeline', async () => {
    const result = await lab.run(['experiment', 'replication-lag', '--count', '100', '--rate', '50']);
    assert.equal(result.exitCode, 0, result.stderr);
    const samples = await readLagSamples(join(newestRun(lab), 'samples.csv'));
    assert.equal(samples.length, 100);
    assert.equal(readSummary(newestRun(lab)).watcher.kind, 'storage', 'the local default');

    // Every row was seen, so the profile replica has nothing left on any partition it read.
    const metrics = await (await fetch(
      `http://127.0.0.1:${lab.portBase + PORT_OFFSETS.profileFirst}/metrics`)).text();
    const lags = [...metrics.matchAll(/^authlab_profile_consumer_lag_events\{(.*)\} (\S+)$/gm)];
    assert.ok(lags.length > 0, 'the consumer lag gauge is exported per partition');
    for (const [, labels, value] of lags) {
      assert.match(labels as string, /partition="\d+"/);
      assert.equal(Number(value), 0, `lag left on ${labels}`);
    }

    for (const s of samples) {
      assert.equal(s.status, 'seen');
      const chain = [s.sourceTsMs, s.dbzTsMs, s.kafkaTsMs, s.consumedAtMs, s.writtenAtMs,
        s.tVisibleMs] as number[];
      chain.forEach((t) => assert.equal(typeof t, 'number', `user ${s.userId} has every stamp`));
      for (let i = 1; i < chain.length; i += 1) {
        assert.ok((chain[i] as number) >= (chain[i - 1] as number) - CLOCK_RESOLUTION_MS,
          `stamp ${i} of ${s.userId} is not before stamp ${i - 1}: ${chain.join(' ')}`);
      }
      // Postgres stamps the commit before the writer hears COMMIT return.
      assert.ok((s.sourceTsMs as number) <= s.tCommitMs + CLOCK_RESOLUTION_MS,
        `commit stamp ${s.sourceTsMs} is not after the writer saw it at ${s.tCommitMs}`);
    }
  });

  test('a sweep reports each rate, and each figure is recomputed from the samples', async () => {
    // The wire watcher here, so that both watchers run a whole experiment.
    const result = await lab.run(['experiment', 'replication-lag', '--rates', '20,60',
      '--duration', '3', '--watcher', 'wire']);
    assert.equal(result.exitCode, 0, result.stderr);
    const runDir = newestRun(lab);
    const summary = readSummary(runDir);
    const samples = await readLagSamples(join(runDir, 'samples.csv'));
    assert.equal(summary.watcher.kind, 'wire');

    assert.deepEqual(summary.steps.map((s: { rateHz: number }) => s.rateHz), [20, 60]);
    for (const step of summary.steps) {
      const own = samples.filter((s: LagSample) => s.rateHz === step.rateHz);
      assert.equal(own.length, step.count);
      const recomputed = summariseLag(own, {
        watcherResolutionMs: step.summary.watcherResolutionMs,
      });
      assert.deepEqual(step.summary, JSON.parse(JSON.stringify(recomputed)));
    }
    assert.ok(summary.knee.kneeRateHz === null || [20, 60].includes(summary.knee.kneeRateHz));
  });

  test('Ctrl-C, twice, at the terminal ends the run with 130 and keeps the rows written',
    async () => {
    const bin = fileURLToPath(new URL('../../../bin/authlab.js', import.meta.url));
    // Its own process group, signalled whole, as a terminal does: the storage watcher must
    // not die first and fail the run.
    const child = execa(process.execPath, [bin, 'experiment', 'replication-lag', '--count',
      '1000', '--rate', '50'], { env: lab.env, reject: false, stdin: 'ignore', detached: true });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const deadline = Date.now() + 60_000;
    while (!/step 50\/s: writing/.test(stderr) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
    process.kill(-(child.pid as number), 'SIGINT');
    // An impatient second Ctrl-C once killed the process before it stored anything.
    await new Promise((resolve) => setTimeout(resolve, 200));
    process.kill(-(child.pid as number), 'SIGINT');
    const result = await child;

    assert.equal(result.exitCode, 130, stderr);
    const runDir = newestRun(lab);
    const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));
    assert.equal(run.interrupted, true);
    const samples = await readLagSamples(join(runDir, 'samples.csv'));
    assert.ok(samples.length > 0 && samples.length < 1000, `${samples.length} rows kept`);
    assert.match(readFileSync(join(runDir, 'report.md'), 'utf8'), /This run was interrupted/);
    const ps = await execa('ps', ['-eo', 'args'], { reject: false });
    assert.doesNotMatch(String(ps.stdout), new RegExp(`authlab-visibility.*${lab.labDir}`),
      'the watcher ended with the run');
  });

  test('a tuning switch while another command holds the lab is refused, the state kept',
    async () => {
      // Two experiments switching at once once left connector and consumers in different
      // profiles, with the state naming one of them.
      const before = JSON.parse(readFileSync(join(lab.labDir, 'state.json'), 'utf8')).tuning;
      const result = await withLabLock(lab.labDir, 'test', () => lab.run(['experiment',
        'replication-lag', '--count', '5', '--profile',
        before === 'low-latency' ? 'default' : 'low-latency']));
      assert.equal(result.exitCode, 1, result.stderr);
      assert.match(result.stderr, /another authlab command \(`test`/);
      const after = JSON.parse(readFileSync(join(lab.labDir, 'state.json'), 'utf8')).tuning;
      assert.equal(after, before);
    });

  test('rows written while the profile service is stopped are reported lost', async () => {
    const bin = fileURLToPath(new URL('../../../bin/authlab.js', import.meta.url));
    const run = execa(process.execPath, [bin, 'experiment', 'replication-lag', '--count', '500',
      '--rate', '50', '--timeout', '3000'], { env: lab.env, reject: false, stdin: 'ignore' });

    // Stop the only profile replica about 3 s into the 10 s write schedule: late enough for
    // the first rows to arrive (the default tuning takes about a second), early enough that
    // the stop (a CLI start plus a drain, a few seconds on a busy machine) ends well before
    // the last write.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const stop = await lab.run(['replica', 'stop', 'profile-1']);
    assert.equal(stop.exitCode, 0, stop.stderr);
    const result = await run;
    assert.equal(result.exitCode, 0, String(result.stderr));

    const runDir = newestRun(lab);
    const summary = readSummary(runDir);
    const samples = await readLagSamples(join(runDir, 'samples.csv'));
    const lost = samples.filter((s) => s.status === 'lost').length;
    assert.ok(lost > 0, 'some rows were never seen');
    assert.ok(summary.seen > 0, 'rows before the stop were seen');
    assert.equal(summary.lost, lost);
    assert.equal(summary.seen + summary.lost, 500);
    assert.match(summary.notes.join(' '),
      /rows were never seen; at the end of the run .*profile-1 stopped/,
      'the run says which replica was down');

    // The profile service catches up from its committed offsets when it comes back.
    const start = await lab.run(['replica', 'start', 'profile-1']);
    assert.equal(start.exitCode, 0, start.stderr);
  });

  test('with the document store down, the run fails at once saying so', async () => {
    const kill = await lab.run(['replica', 'kill', 'mongo']);
    assert.equal(kill.exitCode, 0, kill.stderr);
    try {
      const result = await lab.run(['experiment', 'replication-lag', '--count', '5']);
      assert.equal(result.exitCode, 1);
      assert.match(result.stderr, /the lab's mongo at \S+ does not answer/);
      assert.doesNotMatch(result.stderr, /internal error/);
    } finally {
      const start = await lab.run(['replica', 'start', 'mongo']);
      assert.equal(start.exitCode, 0, start.stderr);
    }
  });
});

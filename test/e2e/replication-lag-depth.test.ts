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

    // The profile service catches up from its committed offsets when it comes back.
    const start = await lab.run(['replica', 'start', 'profile-1']);
    assert.equal(start.exitCode, 0, start.stderr);
  });
});

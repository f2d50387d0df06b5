import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  STAGES, buildLagSample, readLagSamples, stageDurationsMs, writeLagSamples, type LagSample,
} from '../../src/measure/lag-sample.js';
import { pickRepresentatives, summariseLag } from '../../src/measure/lag-summary.js';
import { makeSamples } from './lag-fixtures.js';

async function withTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'authlab-lag-'));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('a summary recomputed from the CSV equals the in-memory one', async () => {
  await withTempDir(async (dir) => {
    const samples = makeSamples({ count: 500, lostEvery: 50 });
    const path = join(dir, 'samples.csv');
    await writeLagSamples(path, samples);
    const readBack = await readLagSamples(path);

    assert.deepEqual(readBack, samples);
    const options = { watcherResolutionMs: 5 };
    assert.deepEqual(summariseLag(readBack, options), summariseLag(samples, options));
  });
});

test('the summary does not depend on sample order', () => {
  const samples = makeSamples({ count: 300, lostEvery: 7 });
  const reversed = [...samples].reverse();
  const options = { watcherResolutionMs: 5 };
  assert.deepEqual(summariseLag(reversed, options), summariseLag(samples, options));
});

test('lost rows and duplicates are counted, never dropped', () => {
  const samples = makeSamples({ count: 100, lostEvery: 10 });
  const seenTwice = { ...samples[3] as LagSample, seq: 1000 };
  seenTwice.tVisibleMs = (seenTwice.tVisibleMs as number) + 50;
  seenTwice.lagMs = (seenTwice.lagMs as number) + 50;
  const writtenTwice = { ...samples[9] as LagSample, seq: 1001 };
  const summary = summariseLag([...samples, seenTwice, writtenTwice], { watcherResolutionMs: 5 });

  assert.equal(summary.count, 102);
  assert.equal(summary.lost, 10);
  assert.equal(summary.duplicates, 2);
  assert.equal(summary.seen, 90);
  assert.equal(summary.seen + summary.lost + summary.duplicates, summary.count);
  assert.equal(summary.lagMs.count, 90);
});

test('a userId seen in any row counts as seen, at its earliest sighting', () => {
  const base = makeSamples({ count: 1 })[0] as LagSample;
  const lostRow = buildLagSample({ ...base, tVisibleMs: null });
  const late = buildLagSample({ ...base, seq: 5, tVisibleMs: (base.tVisibleMs as number) + 100 });
  const picked = pickRepresentatives([late, lostRow, base]);

  assert.equal(picked.length, 1);
  assert.equal(picked[0], base);
});

test('the stage split sums to the end-to-end lag of every seen sample', () => {
  for (const sample of makeSamples({ count: 200 })) {
    const stages = stageDurationsMs(sample);
    const sum = STAGES.reduce((total, stage) => total + (stages[stage.name] as number), 0);
    assert.ok(Math.abs(sum - (sample.lagMs as number)) < 1e-6, `seq ${sample.seq}`);
  }
});

test('stage means add up to the mean lag', () => {
  const summary = summariseLag(makeSamples({ count: 400 }), { watcherResolutionMs: 5 });
  const sum = STAGES.reduce((total, stage) => total + (summary.stages[stage.name].mean ?? 0), 0);
  assert.ok(Math.abs(sum - (summary.lagMs.mean as number)) < 1e-6);
});

test('an empty run gives a summary of zeros and nulls', () => {
  const summary = summariseLag([], { watcherResolutionMs: 10 });
  assert.equal(summary.count, 0);
  assert.equal(summary.lagMs.p50, null);
  assert.equal(summary.firstCommitMs, null);
  assert.equal(summary.stages.capture.count, 0);
});

test('reading a bad samples file names the file, line and column', async () => {
  await withTempDir(async (dir) => {
    const header = 'seq,userId,tScheduledMs,tCommitMs,tVisibleMs,lagMs,sourceTsMs,dbzTsMs,' +
      'kafkaTsMs,consumedAtMs,writtenAtMs,replica,status';
    const cases = [
      { body: `${header}\n1,u1,10,11,,,,,,,,,seen\n`, message: /line 2: column status/ },
      { body: `${header}\n1,u1,10,abc,,,,,,,,,lost\n`, message: /line 2: column tCommitMs/ },
      { body: `${header}\n1,u1,10,11,,,,,,,,,maybe\n`, message: /must be "seen" or "lost"/ },
      { body: 'seq,userId\n1,u1\n', message: /lacks columns tScheduledMs/ },
      { body: '', message: /is empty/ },
    ];
    for (const [i, { body, message }] of cases.entries()) {
      const path = join(dir, `bad-${i}.csv`);
      await writeFile(path, body);
      await assert.rejects(readLagSamples(path), { code: 'BAD_INPUT', message });
    }
  });
});

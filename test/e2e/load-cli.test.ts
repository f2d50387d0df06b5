/**
 * The load experiments through the real CLI: a short open-model run through Nginx leaves a
 * run folder that `authlab report` renders, and bad parameters exit 2 before anything runs.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { createTestLab, type TestLab } from '../support/cli.js';

describe('load experiment through the CLI', { timeout: 600_000 }, () => {
  let lab: TestLab;

  before(async () => {
    lab = await createTestLab('loadcli');
    const up = await lab.run(['up', '--only', 'nginx']);
    assert.equal(up.exitCode, 0, up.stderr);
  });

  after(async () => {
    await lab.dispose();
  });

  test('a short open-model run through nginx is recorded and reported', async () => {
    const result = await lab.run(['experiment', 'load', '--rate', '40', '--duration', '3',
      '--warmup', '1', '--users', '5']);
    assert.equal(result.exitCode, 0, result.stderr);

    const runs = readdirSync(lab.resultsDir).filter((name) => name.endsWith('_load'));
    assert.equal(runs.length, 1);
    const runDir = join(lab.resultsDir, runs[0] as string);
    for (const file of ['run.json', 'summary.json', 'report.md', 'report.html']) {
      assert.ok(existsSync(join(runDir, file)), `${file} exists`);
    }
    const summary = JSON.stringify(JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')));
    assert.match(summary, /"open"/, 'the run is labelled with its model');

    const report = await lab.run(['report']);
    assert.equal(report.exitCode, 0, report.stderr);
    assert.match(report.stdout, /p99/);
  });

  for (const [args, reason] of [
    [['--mix', 'login=-1'], /--mix/],
    [['--mix', 'teleport=5'], /teleport/],
    [['--rate', '0'], /--rate must be greater than 0/],
    [['--duration', '100000'], /--duration must be at most/],
    [['--target', 'http://192.0.2.1:80'], /loopback/],
  ] as const) {
    test(`bad input: load ${args.join(' ')} exits 2 and records nothing`, async () => {
      const before = existsSync(lab.resultsDir) ? readdirSync(lab.resultsDir).length : 0;
      const result = await lab.run(['experiment', 'load', ...args]);
      assert.equal(result.exitCode, 2, result.stderr);
      assert.match(result.stderr, reason);
      assert.equal(result.stderr.trim().split('\n').length, 1);
      const after = existsSync(lab.resultsDir) ? readdirSync(lab.resultsDir).length : 0;
      assert.equal(after, before, 'no run folder was created');
    });
  }
});

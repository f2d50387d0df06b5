import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { readLagSamples, writeLagSamples } from '../../src/measure/lag-sample.js';
import { summariseLag } from '../../src/measure/lag-summary.js';
import { findKnee, lagTrend, stageP50s } from '../../src/measure/lag-trend.js';
import { lagCharts, rateColor } from '../../src/report/lag-charts.js';
import { loadLagRun, writeLagReports } from '../../src/report/lag-report.js';
import { kneeSentence, type ReplicationLagSummary } from '../../src/report/lag-run-summary.js';
import { renderHtml } from '../../src/report/render-html.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { renderTerminal } from '../../src/report/render-terminal.js';
import {
  createRunFolder, writeRunInfo, writeSummaryJson, type RunFolder,
} from '../../src/report/run-folder.js';
import { formatMs } from '../../src/report/summary-tables.js';
import { assertFiguresMatch } from './html-figures.js';
import {
  LOW_LATENCY, makeSweepSamples, sweepRunInfo, sweepSummary,
} from './lag-sweep-fixtures.js';
import { markupProblems, svgBlocks } from './markup-check.js';

const RATES = [50, 200, 400];
const samples = makeSweepSamples({ rates: RATES, growFromRateHz: 400, lostEvery: 0 });
const summary = sweepSummary(samples, RATES, LOW_LATENCY);
const run = sweepRunInfo(RATES, 'low-latency');

/** A run folder holding the fixture run, as the experiment leaves it; removed afterwards. */
async function withRunFolder(body: (folder: RunFolder) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'authlab-sweep-'));
  try {
    const folder = await createRunFolder(dir, 'replication-lag');
    await writeRunInfo(folder.path, run);
    await writeLagSamples(join(folder.path, 'samples.csv'), samples);
    await writeSummaryJson(folder.path, summary);
    await body(folder);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('a sweep\'s per-rate figures in summary.json are recomputed from its samples', async () => {
  await withRunFolder(async (folder) => {
    const recorded = JSON.parse(await readFile(join(folder.path, 'summary.json'), 'utf8'));
    const csv = await readLagSamples(join(folder.path, 'samples.csv'));
    const rates = [...new Set(csv.map((s) => s.rateHz))].sort((a, b) => a - b);
    assert.deepEqual(rates, RATES, 'the CSV names each row\'s step');
    const resolution = { watcherResolutionMs: recorded.watcherResolutionMs };

    rates.forEach((rateHz, i) => {
      const own = csv.filter((s) => s.rateHz === rateHz);
      const step = recorded.steps[i];
      assert.equal(step.rateHz, rateHz);
      assert.equal(step.count, own.length, `${rateHz}/s count`);
      assert.deepEqual(step.summary, JSON.parse(JSON.stringify(summariseLag(own, resolution))),
        `${rateHz}/s summary`);
      const trend = lagTrend(own);
      assert.deepEqual(step.trend, JSON.parse(JSON.stringify(trend)), `${rateHz}/s trend`);
      assert.equal(step.bounded, step.summary.lost === 0 && !trend.growing);
    });

    const knee = findKnee(recorded.steps.map((step: { rateHz: number; bounded: boolean }) => ({
      rateHz: step.rateHz, bounded: step.bounded,
      stageP50Ms: stageP50s(csv.filter((s) => s.rateHz === step.rateHz)),
    })));
    assert.deepEqual(recorded.knee, knee);
    assert.deepEqual(knee, { kneeRateHz: 200, firstUnboundedRateHz: 400,
      firstGrowingStage: 'deliver' }, 'the fixture\'s deliver stage falls behind at 400/s');
    const { lagMs, count, lost } = summariseLag(csv, resolution);
    assert.deepEqual([recorded.lagMs, recorded.count, recorded.lost],
      JSON.parse(JSON.stringify([lagMs, count, lost])));
  });
});

test('every number report.html prints matches summary.json', async () => {
  await withRunFolder(async (folder) => {
    const loaded = await loadLagRun(folder);
    const [, htmlPath] = await writeLagReports(folder.path, loaded);
    const html = await readFile(htmlPath as string, 'utf8');
    const recorded = JSON.parse(await readFile(join(folder.path, 'summary.json'), 'utf8'));
    const cells = assertFiguresMatch(html, recorded);

    const paths = new Set(cells.map((cell) => cell.path));
    RATES.forEach((_, i) => {
      for (const key of ['rateHz', 'writes.achievedRateHz', 'writes.failed', 'summary.count',
        'summary.seen', 'summary.lost', 'summary.lagMs.p50', 'summary.lagMs.p95',
        'summary.lagMs.p99', 'summary.lagMs.max', 'summary.stages.deliver.p50']) {
        assert.ok(paths.has(`steps.${i}.${key}`), `the page prints steps.${i}.${key}`);
      }
    });
    for (const key of ['watcher.polls', 'watcher.queryMs.p50', 'watcher.cycleMs.p99',
      'lagMs.p99', 'count', 'stages.capture.mean']) {
      assert.ok(paths.has(key), `the page prints ${key}`);
    }
    assert.match(html, /data-knee-rate="200" data-first-unbounded-rate="400"/);
  });
});

test('the HTML report has the four charts, a CDF line and a timeline colour per rate', () => {
  const html = renderHtml(run, summary, samples, { runName: 'r' });
  assert.deepEqual(markupProblems(html), []);
  assert.doesNotMatch(html, /NaN|undefined|Infinity/);
  const ids = [...html.matchAll(/<figure data-chart="([^"]+)"><svg/g)].map((m) => m[1]);
  assert.deepEqual(ids, ['lag-cdf', 'lag-timeline', 'stage-breakdown', 'lag-vs-rate']);
  assert.equal(svgBlocks(html).length, 4);

  const [cdf, timeline, stages, vsRate] = lagCharts(summary, samples, run).map((c) => c.svg);
  RATES.forEach((rateHz, i) => {
    const color = rateColor(i, RATES.length);
    const step = summary.steps?.[i];
    assert.match(cdf ?? '', new RegExp(`fill="none" stroke="${color}"`), `CDF line ${rateHz}/s`);
    assert.ok(cdf?.includes(`${rateHz}/s: p50 ${formatMs(step?.summary.lagMs.p50 ?? null)}`));
    assert.match(timeline ?? '', new RegExp(`stroke="${color}"`), `timeline ${rateHz}/s`);
    assert.ok(stages?.includes(`>${rateHz}/s<`), `stage bar for ${rateHz}/s`);
    assert.ok(vsRate?.includes(`>${rateHz}<`), `rate tick ${rateHz}`);
  });
  assert.equal(new Set(RATES.map((_, i) => rateColor(i, RATES.length))).size, RATES.length);
  assert.match(vsRate ?? '', /knee: bounded up to 200\/s/);
});

test('the reports show the tuning profile, the write path and the knee sentence', () => {
  const sentence = 'Lag stays bounded up to 200 rows/s; beyond it the deliver stage';
  const markdown = renderMarkdown(run, summary, { runName: 'r' });
  const text = renderTerminal(summary, run);
  const html = renderHtml(run, summary, samples);
  for (const [name, page] of [['markdown', markdown], ['terminal', text], ['html', html]]) {
    assert.ok(page?.includes('low-latency: short waits at every hop'), `${name}: tuning`);
    assert.ok(page?.includes('sql: rows inserted straight into Postgres'), `${name}: via`);
    assert.ok(page?.includes(sentence), `${name}: knee`);
  }
  assert.match(markdown, /^\| connector poll\.interval\.ms \| 5 \|$/m);
  assert.match(markdown, /^\| 400 \| [\d.]+ \| 1200 \| 1200 \| 0 \| .* \| growing \| 0 \|$/m);
  assert.match(text, /Watcher, wire \(ms\)/);
  assert.doesNotMatch(text, /\u001b\[/);
});

test('the knee sentence covers no knee, a knee, and no bounded rate at all', () => {
  const withKnee = (knee: ReplicationLagSummary['knee']) => kneeSentence({ ...summary, knee });
  assert.equal(withKnee({ kneeRateHz: 400, firstUnboundedRateHz: null,
    firstGrowingStage: null }),
  'No knee within the rates tried (50, 200, 400 rows/s): lag stays bounded at every rate.');
  assert.equal(withKnee({ kneeRateHz: 50, firstUnboundedRateHz: 200,
    firstGrowingStage: 'capture' }),
  'Lag stays bounded up to 50 rows/s; beyond it the capture stage (commit → Debezium) ' +
    'grows first.');
  assert.match(withKnee({ kneeRateHz: null, firstUnboundedRateHz: 50,
    firstGrowingStage: 'write' }) ?? '', new RegExp('^Lag is not bounded even at the lowest ' +
    'rate tried, 50 rows/s; the write stage .* is the largest stage there\\.$'));
  assert.match(kneeSentence(summary) ?? '',
    /At 400 rows\/s, the median lag grew from [\d.]+ ms to [\d.]+ ms within the step\.$/);
  assert.equal(kneeSentence(summariseLag(samples, { watcherResolutionMs: 1 })), null);
});

test('a one-step run and an old summary without steps render every part', () => {
  const one = makeSweepSamples({ rates: [50], lostEvery: 30 });
  const oneStep = sweepSummary(one, [50]);
  const legacy = summariseLag(one, { watcherResolutionMs: 2 });
  const legacyRun = { ...sweepRunInfo([50]), parameters: { count: 150, rate: 50 } };
  for (const [name, s] of [['one step', oneStep], ['no steps', legacy]] as const) {
    const html = renderHtml(legacyRun, s, one);
    assert.deepEqual(markupProblems(html), [], name);
    assert.doesNotMatch(html, /NaN|undefined|Infinity/, name);
    assert.equal(svgBlocks(html).length, 4, name);
    assertFiguresMatch(html, JSON.parse(JSON.stringify(s)));
    assert.match(renderMarkdown(legacyRun, s), /^\| 50 \| .* \| 150 \| 145 \| 5 \|/m, name);
    assert.match(renderTerminal(s, legacyRun), /Lag per rate/, name);
  }
  assert.match(renderTerminal(legacy), /^Lag per rate/, 'no headline lines without tuning');
  assert.match(renderHtml(legacyRun, legacy, one), /not recorded \(run predates tuning/);
});

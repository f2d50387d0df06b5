import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { LoadHistogram } from '../../src/load/load-histogram.js';
import {
  mergeReports, writeLoadSamples, type LoadResult, type RunSettings,
} from '../../src/load/load-results.js';
import { parseMix } from '../../src/load/mix.js';
import { RequestRecorder } from '../../src/load/op-recorder.js';
import { withEfficiency, type ScaleSummary } from '../../src/load/scale-summary.js';
import {
  isLoadExperiment, loadLoadRun, renderLoadRunTerminal, writeLoadReports,
} from '../../src/report/load-report.js';
import {
  createRunFolder, hostInfo, writeRunInfo, writeSummaryJson, type RunInfo,
} from '../../src/report/run-folder.js';
import { formatMs } from '../../src/report/summary-tables.js';
import { markupProblems, svgBlocks } from './markup-check.js';

const SETTINGS: RunSettings = {
  model: 'open',
  target: { name: 'nginx', description: 'through nginx', origins: ['http://127.0.0.1:1'] },
  offeredRateHz: 50, durationS: 3, warmupS: 0, connections: 4, workers: 1, users: 4,
  timeoutMs: 1000, maxRequests: 1000, mix: parseMix('login=3,me=1'),
};

/** 150 requests over 3 s at 50/s: logins slower than me, one 503. */
function fakeResult(): LoadResult {
  const recorder = new RequestRecorder({ startMs: 0, endMs: 3000, lastSecond: 5 });
  for (let i = 0; i < 150; i += 1) {
    const op = i % 4 === 3 ? 'me' : 'login';
    const startMs = i * 20;
    const latencyMs = op === 'login' ? 40 + (i % 7) : 2 + (i % 3) / 10;
    recorder.record(op, startMs, startMs + latencyMs,
      i === 77 ? { kind: 'status', status: 503 } : { kind: 'ok' });
  }
  return mergeReports(SETTINGS, [{
    workerIndex: 0,
    schedule: { sent: 150, unsent: 0, unsettled: 0, inFlightWaits: 0, maxInFlight: 3,
      stopReason: 'end' },
    sendLag: new LoadHistogram().encode(),
    sentInWindow: 0,
    operations: recorder.encode(),
  }]);
}

function runInfo(experiment: string): RunInfo {
  return {
    experiment, parameters: { rate: 50, mix: 'login=3,me=1' }, runtime: 'local',
    versions: { nginx: '1.22' }, host: hostInfo(), gitCommit: null,
    startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:00:05.000Z',
  };
}

test('a load run folder is read back and rendered with its own numbers', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'authlab-load-report-'));
  try {
    const folder = await createRunFolder(dir, 'load');
    const result = fakeResult();
    await writeRunInfo(folder.path, runInfo('load'));
    await writeSummaryJson(folder.path, result.summary);
    await writeLoadSamples(folder.path, result);

    const loaded = await loadLoadRun(folder);
    assert.deepEqual(loaded.series.get(''), result.series);
    const terminal = renderLoadRunTerminal(loaded);
    const [markdownPath, htmlPath] = await writeLoadReports(folder.path, loaded);
    const markdown = await readFile(markdownPath as string, 'utf8');
    const html = await readFile(htmlPath as string, 'utf8');

    const p99 = formatMs(result.summary.overall.latencyMs.p99);
    for (const text of [terminal, markdown, html]) {
      assert.ok(text.includes(p99), `overall p99 ${p99}`);
      assert.ok(text.includes('503×1'), 'the 503 is listed by code');
    }
    assert.deepEqual(markupProblems(html), []);
    assert.equal(svgBlocks(html).length, 2, 'answers and latency per second');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a scale-auth run shows efficiency against the 1-replica step', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'authlab-scale-report-'));
  try {
    const folder = await createRunFolder(dir, 'scale-auth');
    const result = fakeResult();
    const step = (replicas: number, throughputHz: number) => ({
      replicas, offeredRateHz: 50, throughputHz, achievedRateHz: throughputHz, errorRate: 0,
      errors: result.summary.overall.errors, latencyMs: result.summary.overall.latencyMs,
      cpu: [], hostBusyFraction: 0.5, saturated: true, hints: ['a hint'],
      load: result.summary,
      files: { series: `series-r${replicas}.csv`, histograms: `histograms-r${replicas}.json` },
    });
    const { steps, baselineReplicas } = withEfficiency([step(1, 20), step(2, 30)]);
    assert.deepEqual(steps.map((s) => s.efficiency), [1, 0.75]);
    const summary: ScaleSummary = {
      kind: 'scale-auth', cores: 2, bcryptCost: 10, baselineReplicas, steps, note: 'n',
    };
    await writeRunInfo(folder.path, runInfo('scale-auth'));
    await writeSummaryJson(folder.path, summary);
    for (const replicas of [1, 2]) await writeLoadSamples(folder.path, result, `-r${replicas}`);

    const loaded = await loadLoadRun(folder);
    const [, htmlPath] = await writeLoadReports(folder.path, loaded);
    const html = await readFile(htmlPath as string, 'utf8');
    assert.ok(renderLoadRunTerminal(loaded).includes('0.75'));
    assert.deepEqual(markupProblems(html), []);
    assert.equal(svgBlocks(html).length, 2 + 2 * 2);
    assert.ok(isLoadExperiment('scale-auth') && !isLoadExperiment('replication-lag'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

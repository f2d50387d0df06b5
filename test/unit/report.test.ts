import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeLagSamples } from '../../src/measure/lag-sample.js';
import { summariseLag } from '../../src/measure/lag-summary.js';
import { loadLagRun, writeLagReports } from '../../src/report/lag-report.js';
import { renderHtml } from '../../src/report/render-html.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { renderTerminal } from '../../src/report/render-terminal.js';
import {
  createRunFolder, hostInfo, writeRunInfo, writeSummaryJson, type RunInfo,
} from '../../src/report/run-folder.js';
import { formatMs } from '../../src/report/summary-tables.js';
import { makeSamples } from './lag-fixtures.js';
import { markupProblems, svgBlocks } from './markup-check.js';

const run: RunInfo = {
  experiment: 'replication-lag',
  parameters: { rateHz: 100, count: 600, note: 'a <b> & "c"' },
  runtime: 'local',
  versions: { postgres: '17.5', kafka: '4.1.0' },
  host: hostInfo(),
  gitCommit: 'abc123',
  startedAt: '2025-06-01T10:20:30.000Z',
  endedAt: '2025-06-01T10:20:40.000Z',
};
const samples = makeSamples({ count: 600, lostEvery: 40 });
const summary = summariseLag(samples, { watcherResolutionMs: 5 });
const runName = '20250601T102030Z_replication-lag';

/** The figures every report must print, formatted as the reports format them. */
function headlineNumbers(): string[] {
  const lag = summary.lagMs;
  return [lag.p50, lag.p95, lag.p99, lag.max, lag.mean, summary.stages.capture.p99,
    summary.stages.observe.mean].map(formatMs);
}

test('the HTML report prints the summary numbers and embeds the same summary', () => {
  const html = renderHtml(run, summary, samples, { runName });
  for (const number of headlineNumbers()) assert.ok(html.includes(`>${number}<`), number);
  for (const count of [summary.count, summary.seen, summary.lost]) {
    assert.match(html, new RegExp(`<td class="num"[^>]*>${count}</td>`), `count ${count}`);
  }
  const embedded = /<script type="application\/json" id="summary">([\s\S]*?)<\/script>/
    .exec(html)?.[1];
  assert.deepEqual(JSON.parse(embedded ?? 'null'), JSON.parse(JSON.stringify(summary)));
});

test('the HTML report is well-formed, self-contained and has four SVG charts', () => {
  const html = renderHtml(run, summary, samples, { runName });
  assert.deepEqual(markupProblems(html), []);
  const svgs = svgBlocks(html);
  assert.equal(svgs.length, 4);
  for (const svg of svgs) assert.deepEqual(markupProblems(svg), []);
  assert.doesNotMatch(html, /(src|href)="https?:/, 'nothing loads from the network');
  assert.doesNotMatch(html, /NaN|undefined|Infinity/);
  assert.match(html, /a &lt;b&gt; &amp; &quot;c&quot;/, 'parameters are escaped');
  assert.ok(html.includes(`p99 ${formatMs(summary.lagMs.p99)} ms`), 'the CDF marks p99');
});

test('the HTML report renders a run with no samples', () => {
  const empty = summariseLag([], { watcherResolutionMs: 5 });
  const html = renderHtml(run, empty, []);
  assert.deepEqual(markupProblems(html), []);
  assert.doesNotMatch(html, /NaN|undefined|Infinity/);
});

test('the Markdown report has the parameters, host, versions and both tables', () => {
  const markdown = renderMarkdown(run, summary, { runName });
  assert.match(markdown, /^# replication-lag: 20250601T102030Z_replication-lag$/m);
  for (const number of headlineNumbers()) assert.ok(markdown.includes(` ${number} |`), number);
  assert.match(markdown, /^\| rateHz \| 100 \|$/m);
  assert.match(markdown, /^\| kafka \| 4\.1\.0 \|$/m);
  assert.match(markdown, /^\| cores \| \d+ \|$/m);
  assert.match(markdown, /^\| capture \| commit → Debezium \|/m);
});

test('the terminal report prints the same numbers without colour codes', () => {
  const text = renderTerminal(summary);
  for (const number of headlineNumbers()) assert.ok(text.includes(` ${number} `), number);
  assert.doesNotMatch(text, /\u001b\[/);
});

test('a run folder written by an experiment loads back and renders its reports', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'authlab-report-'));
  try {
    const folder = await createRunFolder(dir, 'replication-lag');
    await writeRunInfo(folder.path, run);
    await writeLagSamples(join(folder.path, 'samples.csv'), samples);
    await writeSummaryJson(folder.path, summary);

    const loaded = await loadLagRun(folder);
    const recomputed = summariseLag(loaded.samples, {
      watcherResolutionMs: loaded.summary.watcherResolutionMs,
    });
    assert.deepEqual(recomputed, loaded.summary);

    const [markdownPath, htmlPath] = await writeLagReports(folder.path, loaded);
    assert.match(await readFile(markdownPath as string, 'utf8'), /## Lag by stage/);
    assert.deepEqual(markupProblems(await readFile(htmlPath as string, 'utf8')), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { reportCommand } from '../../src/commands/report.js';
import { loadConfig } from '../../src/config/lab-config.js';
import { isLabError } from '../../src/errors.js';
import { packageDir } from '../../src/paths.js';
import {
  compareJson, compareRows, compareTable, formatRatio, lagRatio,
} from '../../src/report/compare-tables.js';
import {
  renderCompareHtml, renderCompareMarkdown, renderCompareTerminal,
} from '../../src/report/render-compare.js';
import { formatMs } from '../../src/report/summary-tables.js';
import { assertFiguresMatch } from './html-figures.js';
import { LOW_LATENCY, sweepRun, writeSweepRun } from './lag-sweep-fixtures.js';
import { markupProblems, svgBlocks } from './markup-check.js';

const RATES = [50, 200, 400];
// A falls behind from 400/s on; B (low-latency) keeps up at every rate.
const runA = sweepRun('20250601T100000Z_replication-lag', { rates: RATES, growFromRateHz: 400 });
const runB = sweepRun('20250601T110000Z_replication-lag', { rates: RATES, seed: 40 },
  LOW_LATENCY);

test('the comparison gives both runs\' percentiles per rate and the ratio B/A', () => {
  const rows = compareRows(runA, runB);
  assert.deepEqual(rows.map((row) => row.label), ['50/s', '200/s', '400/s', 'all rates']);
  const table = compareTable(rows);
  const terminal = renderCompareTerminal(runA, runB);
  const markdown = renderCompareMarkdown(runA, runB);

  rows.forEach((row, r) => {
    ['p50', 'p95', 'p99'].forEach((key, k) => {
      const a = row.a?.summary.lagMs[key as 'p50'] ?? null;
      const b = row.b?.summary.lagMs[key as 'p50'] ?? null;
      const cells = table.rows[r]?.slice(1 + k * 3, 4 + k * 3);
      assert.deepEqual(cells, [formatMs(a), formatMs(b), `${((b as number) / (a as number))
        .toFixed(2)}×`], `${row.label} ${key}`);
    });
    assert.ok(terminal.includes(` ${table.rows[r]?.[3]} `), `terminal row ${row.label}`);
    assert.ok(markdown.includes(`| ${table.rows[r]?.join(' | ')} |`), `markdown ${row.label}`);
  });
  const at400 = rows[2];
  const ratio = lagRatio(at400?.a?.summary.lagMs.p50 ?? null, at400?.b?.summary.lagMs.p50 ?? null);
  assert.ok(ratio !== null && ratio < 0.2, `B keeps up where A falls behind (B/A ${ratio})`);
  assert.match(terminal, /^A: Lag stays bounded up to 200 rows\/s/m);
  assert.match(terminal, /^B: No knee within the rates tried/m);
});

test('a rate only one run tried shows – for the other and no ratio', () => {
  const b = sweepRun('b', { rates: [200, 800] });
  const rows = compareRows(runA, b);
  assert.deepEqual(rows.map((row) => row.label), ['50/s', '200/s', '400/s', '800/s', 'all rates']);
  const table = compareTable(rows);
  const p50 = (run: typeof b, step: number) => formatMs(run.summary.steps?.[step]?.summary
    .lagMs.p50 ?? null);
  assert.deepEqual(table.rows[0]?.slice(1, 4), [p50(runA, 0), '–', '–'], '50/s: A only');
  assert.deepEqual(table.rows[3]?.slice(1, 4), ['–', p50(b, 1), '–'], '800/s: B only');
  assert.deepEqual(table.rows[3]?.slice(-2), ['–', '0'], 'lost: – where a run has no step');
  assert.equal(formatRatio(lagRatio(0, 5)), '–', 'no ratio over zero');
});

test('the comparison page prints both summaries\' numbers and overlays the CDFs', () => {
  const html = renderCompareHtml(runA, runB);
  assert.deepEqual(markupProblems(html), []);
  assert.doesNotMatch(html, /NaN|undefined|Infinity/);
  const cells = assertFiguresMatch(html, JSON.parse(JSON.stringify({ a: runA.summary,
    b: runB.summary })));
  for (const path of ['a.steps.0.summary.lagMs.p50', 'b.steps.2.summary.lagMs.p99', 'a.lagMs.p95',
    'b.knee.kneeRateHz']) {
    assert.ok(cells.some((cell) => cell.path === path), `the page prints ${path}`);
  }

  const charts = [...html.matchAll(/<figure data-chart="([^"]+)">(<svg[\s\S]*?<\/svg>)/g)];
  assert.deepEqual(charts.map((m) => m[1]),
    ['compare-cdf-50', 'compare-cdf-200', 'compare-cdf-400', 'compare-lag-vs-rate']);
  for (const [, id, svg] of charts.slice(0, 3)) {
    const lines = svg?.match(/<path d="M[^"]*" fill="none" stroke="#\w+" stroke-width[^>]*>/g) ??
      [];
    assert.equal(lines.length, 2, `${id}: one line per run`);
    assert.equal(lines.filter((l) => l.includes('stroke-dasharray')).length, 1, `${id}: B dashed`);
  }
  assert.equal(svgBlocks(html).length, 4);
  assert.match(html, /<td>low-latency<\/td>/);
});

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function authlab(resultsDir: string, args: string[]): Promise<CliResult> {
  const bin = join(packageDir(), 'bin', 'authlab.js');
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath,
      [bin, '--results-dir', resultsDir, ...args], { cwd: resultsDir, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

test('report --compare writes compare-<B>.html into A\'s folder and refuses bad runs', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'authlab-compare-'));
  try {
    const a = await writeSweepRun(dir, new Date('2025-06-01T10:00:00Z'),
      { rates: [50, 200], growFromRateHz: 200 });
    const b = await writeSweepRun(dir, new Date('2025-06-01T11:00:00Z'), { rates: [50, 200] },
      LOW_LATENCY);
    const load = join(dir, '20250601T120000Z_load');
    await mkdir(load);
    await writeFile(join(load, 'summary.json'), '{"kind":"load"}\n');

    // Two runs of the real CLI for the output and the exit status; the rest in-process.
    const ok = await authlab(dir, ['report', a.name, '--compare', b.name]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /B\/A/);
    assert.ok(existsSync(join(a.path, `compare-${b.name}.html`)), 'the page is in A\'s folder');

    const unknown = await authlab(dir, ['report', a.name, '--compare', 'no-such-run']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no run "no-such-run".*newest: 20250601T120000Z_load/);

    const config = loadConfig({ flags: { resultsDir: dir }, cwd: dir, env: {} });
    for (const [runRef, other] of [[a.name, 'latest'], ['latest', a.name]]) {
      await assert.rejects(reportCommand(config, runRef, { format: 'table', compare: other }),
        (error: unknown) => isLabError(error) && error.exitCode === 2 &&
          /--compare works on replication-lag runs; .* is a "load" run/.test(error.message));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the comparison as JSON holds both summaries and the ratio per rate', () => {
  const json = compareJson(runA, runB) as {
    a: { summary: unknown }; rows: Array<{ label: string; p99: { a: number; b: number;
      ratio: number } }>;
  };
  assert.equal(json.a.summary, runA.summary);
  assert.deepEqual(json.rows.map((row) => row.label), ['50/s', '200/s', '400/s', 'all rates']);
  for (const row of json.rows) assert.equal(row.p99.ratio, row.p99.b / row.p99.a);
});

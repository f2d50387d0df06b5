/**
 * report.html as a browser shows it: headless Chromium (the Debian `chromium` package) loads
 * a fixture sweep run's page from file://, offline, and its DOM must hold the four charts and
 * every number of summary.json that the page prints; a screenshot must come out whole.
 * Skipped, saying so, where chromium is not installed (CI installs it).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

import { loadLagRun, writeLagReports } from '../../src/report/lag-report.js';
import { assertFiguresMatch, figureCells } from '../unit/html-figures.js';
import { LOW_LATENCY, writeSweepRun } from '../unit/lag-sweep-fixtures.js';

const run = promisify(execFile);
const CHROMIUM = 'chromium';
const WINDOW = { width: 1200, height: 2400 };
const TIMEOUT_MS = 120_000;

/** The version line, or null when there is no chromium on PATH. */
async function chromiumVersion(): Promise<string | null> {
  try {
    const { stdout } = await run(CHROMIUM, ['--version'], { timeout: 30_000 });
    return stdout.trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * One headless Chromium run with its own throw-away profile, and nothing reaching out: no
 * sync, no component or field-trial downloads, no QUIC. --no-sandbox because CI runs as root.
 */
async function chromium(args: string[]): Promise<string> {
  const profileDir = await mkdtemp(join(tmpdir(), 'authlab-chromium-'));
  try {
    const { stdout } = await run(CHROMIUM, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      `--user-data-dir=${profileDir}`, ...args,
    ], { timeout: TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 64 * 2 ** 20 });
    return stdout;
  } finally {
    await rm(profileDir, { recursive: true, force: true });
  }
}

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(png: Buffer): { width: number; height: number } {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    'a PNG file');
  assert.equal(png.toString('latin1', 12, 16), 'IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

const version = await chromiumVersion();
const skip = version === null
  ? 'chromium is not installed: `apt-get install -y chromium` (Debian), as .ci/run does'
  : false;

describe(`report.html in headless Chromium (${version ?? 'missing'})`, { skip }, () => {
  test('the page renders offline with its four charts and the numbers of summary.json',
    { timeout: 2 * TIMEOUT_MS + 30_000 }, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'authlab-report-chromium-'));
      try {
        const folder = await writeSweepRun(dir, new Date('2025-06-01T10:00:00Z'),
          { rates: [50, 200, 400], growFromRateHz: 400 }, LOW_LATENCY);
        const [, htmlPath] = await writeLagReports(folder.path, await loadLagRun(folder));
        const url = pathToFileURL(htmlPath as string).href;
        const summary = JSON.parse(await readFile(join(folder.path, 'summary.json'), 'utf8'));

        const dom = await chromium(['--dump-dom', url]);
        const charts = [...dom.matchAll(/<figure data-chart="([^"]+)"><svg\b[\s\S]*?<\/svg>/g)]
          .map((m) => m[1]);
        assert.deepEqual(charts, ['lag-cdf', 'lag-timeline', 'stage-breakdown', 'lag-vs-rate']);
        const cells = assertFiguresMatch(dom, summary);
        const written = figureCells(await readFile(htmlPath as string, 'utf8'));
        assert.equal(cells.length, written.length, 'every tagged number survives rendering');
        assert.ok(cells.length > 60, `the page prints the figures (${cells.length})`);
        assert.match(dom, /Lag stays bounded up to 200 rows\/s; beyond it the deliver stage/);
        assert.match(dom, /low-latency: short waits at every hop/);

        const png = join(dir, 'report.png');
        await chromium([`--screenshot=${png}`,
          `--window-size=${WINDOW.width},${WINDOW.height}`, url]);
        const image = await readFile(png);
        assert.deepEqual(pngSize(image), WINDOW);
        assert.ok(image.length > 20_000, `the screenshot has content (${image.length} bytes)`);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
});

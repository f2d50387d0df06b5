/**
 * Benchmark (not a test): does the replication-lag watcher change what it measures?
 *
 * Runs the same replication-lag experiment with the watcher polling at two intervals (by
 * default 1 ms and 10 ms), in the order A B B A A B ... on the same lab after one discarded
 * warm-up run (the tuning switch and cold JVMs would otherwise weigh on the first arm), and
 * compares what the
 * watcher cannot touch if it does not load the stack: the pipeline's own time, from the
 * Postgres commit to the profile service's write (writtenAtMs - tCommitMs). If polling ten
 * times as often disturbed Postgres, Kafka, the profile service or FerretDB, that time
 * would grow at the short interval. It also prints the end-to-end lag, the observe stage
 * (write issued -> seen), the watcher's cycle and its CPU share.
 *
 * Needs: a running lab (`authlab up`). Usage, after `npx tsc -p tsconfig.json`:
 *   node dist/bench/watcher-intrusion.js [--rate 500] [--duration 10] [--pairs 2]
 *     [--intervals 1,10] [--watcher auto] [--profile low-latency]
 * Lab folder, port base and results folder come from the usual settings (AUTHLAB_*). The lab
 * stays in the tuning the runs used (--profile); the next experiment switches it as it needs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { execa } from 'execa';

import { summariseMs } from '../src/measure/histogram.js';
import { readLagSamples, type LagSample } from '../src/measure/lag-sample.js';
import type { WatcherStats } from '../src/measure/visibility-watcher.js';
import { badInput, isLabError } from '../src/errors.js';
import { parseDecimal, parseInteger } from '../src/parse/numbers.js';

const BIN = fileURLToPath(new URL('../../bin/authlab.js', import.meta.url));

interface Arm {
  intervalMs: number;
  samples: LagSample[];
  watchers: WatcherStats[];
  lost: number;
}

const USAGE = 'usage: node dist/bench/watcher-intrusion.js [--rate 500] [--duration 10] ' +
  '[--pairs 2] [--intervals 1,10] [--watcher auto|storage|wire] [--profile low-latency]';

/** node's parseArgs, with an unknown or malformed option as bad input (exit 2). */
function parseArgsOrRefuse<T extends ParseArgsConfig>(config: T) {
  try {
    return parseArgs(config);
  } catch (error) {
    throw badInput((error as Error).message);
  }
}

function settings() {
  const { values } = parseArgsOrRefuse({ options: {
    rate: { type: 'string', default: '500' },
    duration: { type: 'string', default: '10' },
    pairs: { type: 'string', default: '2' },
    intervals: { type: 'string', default: '1,10' },
    watcher: { type: 'string', default: 'auto' },
    profile: { type: 'string', default: 'low-latency' },
    help: { type: 'boolean', default: false },
  } } as const);
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  // The experiment checks these again; checking here fails before the warm-up run.
  const rate = parseDecimal(String(values.rate), { name: '--rate', min: 0, exclusiveMin: true,
    max: 20_000 });
  const duration = parseDecimal(String(values.duration), { name: '--duration', min: 0,
    exclusiveMin: true, max: 600 });
  const pairs = parseInteger(String(values.pairs), { name: '--pairs', min: 1, max: 10 });
  const parts = String(values.intervals).split(',');
  if (parts.length !== 2) {
    throw badInput(`--intervals takes two intervals in ms, got "${values.intervals}"`);
  }
  const intervals = parts.map((part) =>
    parseDecimal(part, { name: '--intervals', min: 1, max: 1000 }));
  return { ...values, rate, duration, pairs, intervals };
}

function experimentArgs(options: ReturnType<typeof settings>, intervalMs: number): string[] {
  return ['--rates', String(options.rate), '--duration', String(options.duration),
    '--profile', String(options.profile), '--watcher', String(options.watcher),
    '--poll-interval', String(intervalMs)];
}

async function runOnce(args: string[]): Promise<string> {
  const result = await execa(process.execPath, [BIN, 'experiment', 'replication-lag', ...args],
    { reject: false, stdin: 'ignore' });
  const folder = /run folder: (.+)$/m.exec(String(result.stdout))?.[1]?.trim();
  if (result.exitCode !== 0 || !folder) {
    throw new Error(`the experiment failed (exit ${result.exitCode}): ` +
      String(result.stderr).trim().split('\n').slice(-3).join(' | '));
  }
  return folder;
}

function fmt(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : value.toFixed(2);
}

function report(arms: Arm[]): void {
  const rows = arms.map((arm) => {
    const seen = arm.samples.filter((s) => s.status === 'seen');
    const pipeline = summariseMs(seen.map((s) => (s.writtenAtMs as number) - s.tCommitMs));
    const e2e = summariseMs(seen.map((s) => s.lagMs as number));
    const observe = summariseMs(seen.map((s) => (s.tVisibleMs as number) - (s.writtenAtMs as number)));
    const cycle = summariseMs(arm.watchers.map((w) => w.cycleMs.p50 ?? NaN));
    const worstCycleP99 = Math.max(...arm.watchers.map((w) => w.cycleMs.p99 ?? NaN));
    const cpu = arm.watchers.reduce((sum, w) => sum + (w.cpuMs ?? 0), 0);
    const wall = arm.watchers.reduce((sum, w) => sum + (w.wallMs ?? 0), 0);
    return { arm, seen: seen.length, pipeline, e2e, observe, cycle, worstCycleP99, cpu, wall };
  });

  const head = ['poll ms', 'rows', 'lost', 'pipeline p50', 'p99', 'e2e p50', 'p99',
    'observe p50', 'cycle p50', 'cycle p99', 'watcher CPU'];
  const lines = rows.map((r) => [
    String(r.arm.intervalMs), String(r.seen + r.arm.lost), String(r.arm.lost),
    fmt(r.pipeline.p50), fmt(r.pipeline.p99), fmt(r.e2e.p50), fmt(r.e2e.p99),
    fmt(r.observe.p50), fmt(r.cycle.p50), fmt(r.worstCycleP99),
    r.wall > 0 ? `${((100 * r.cpu) / r.wall).toFixed(1)}%` : '–',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const print = (cells: string[]) =>
    console.log(cells.map((c, i) => c.padStart(widths[i] as number)).join('  '));
  print(head);
  lines.forEach(print);

  const [short, long] = rows as [typeof rows[0], typeof rows[0]];
  const ratio = (a: number | null, b: number | null) =>
    (a !== null && b !== null && b > 0 ? (a / b).toFixed(3) : '–');
  console.log(`\npipeline time (commit -> write issued), ${short.arm.intervalMs} ms poll / ` +
    `${long.arm.intervalMs} ms poll: p50 ${ratio(short.pipeline.p50, long.pipeline.p50)}x, ` +
    `p99 ${ratio(short.pipeline.p99, long.pipeline.p99)}x (1.0 = no disturbance; ` +
    'the machine is shared, so expect noise of several percent)');
  console.log('cycle p50: the median over runs of each run\'s median poll cycle; cycle p99: ' +
    'the worst run\'s; watcher CPU: its CPU time over its wall time, in one core.');
}

async function main(): Promise<void> {
  const options = settings();
  const arms: Arm[] = options.intervals.map((intervalMs) =>
    ({ intervalMs, samples: [], watchers: [], lost: 0 }));

  console.error(`warm-up: ${options.rate} rows/s for ${options.duration} s, not counted`);
  await runOnce(experimentArgs(options, options.intervals[0] as number));

  for (let pair = 0; pair < options.pairs; pair += 1) {
    for (const arm of pair % 2 === 0 ? arms : [...arms].reverse()) {
      console.error(`pair ${pair + 1}/${options.pairs}: poll every ${arm.intervalMs} ms, ` +
        `${options.rate} rows/s for ${options.duration} s`);
      const folder = await runOnce(experimentArgs(options, arm.intervalMs));
      const samples = await readLagSamples(join(folder, 'samples.csv'));
      const summary = JSON.parse(readFileSync(join(folder, 'summary.json'), 'utf8'));
      arm.samples.push(...samples);
      arm.lost += samples.filter((s) => s.status === 'lost').length;
      arm.watchers.push(summary.watcher as WatcherStats);
    }
  }
  console.log(`host: ${(await import('node:os')).cpus().length} cores; ` +
    `${options.rate} rows/s, ${options.duration} s x ${options.pairs} runs per interval, ` +
    `tuning ${options.profile}, watcher ${arms[0]?.watchers[0]?.kind ?? '?'}`);
  report(arms);
}

main().catch((error: unknown) => {
  const bad = isLabError(error) && error.code === 'BAD_INPUT';
  console.error(`watcher-intrusion: ${(error as Error).message}${bad ? `\n${USAGE}` : ''}`);
  process.exit(bad ? 2 : 1);
});

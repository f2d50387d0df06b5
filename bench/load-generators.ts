/**
 * Benchmark (not a test): drives one trivial endpoint (GET /healthz through nginx, or
 * straight at auth-1 when the lab has no nginx, and then says so) with authlab's generator,
 * with wrk and with autocannon, in one run on the same machine, and prints each one's
 * achieved request rate and p99 and the ratios to wrk.
 *
 * Targets: in closed mode at the same connection count, authlab reaches at least 0.8 of
 * wrk's rate with a p99 within 20% of wrk's; in open mode, its achieved rate is within 1% of
 * the offered rate up to 0.8 of that ceiling (wrk's rate); both the rate sent and the rate
 * answered are shown and judged.
 *
 * Needs: a running lab (`authlab up --only auth,nginx`), wrk on PATH (Debian package `wrk`),
 * autocannon in node_modules (dev dependency). Usage, after `npx tsc -p tsconfig.json`:
 *   node dist/bench/load-generators.js [--connections 32] [--duration 10] [--rounds 3]
 *     [--threads 1]
 * The machine is shared: rounds interleave the tools and medians are printed.
 */
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { loadConfig } from '../src/config/lab-config.js';
import { LabError, describeError, isLabError } from '../src/errors.js';
import { openRunningLab } from '../src/lab/running-lab.js';
import { runLoad, type LoadOptions } from '../src/load/load-generator.js';
import { parseMix } from '../src/load/mix.js';
import type { LoadTarget } from '../src/load/target.js';
import { parseInteger } from '../src/parse/numbers.js';

const AUTOCANNON = fileURLToPath(new URL('../../node_modules/.bin/autocannon', import.meta.url));
const PATH = '/healthz';
/** Fractions of the closed-mode ceiling offered in open mode. */
const OPEN_FRACTIONS = [0.5, 0.8];

interface Measured {
  tool: string;
  rateHz: number;
  p99Ms: number;
  errors: number;
}

interface AutocannonResult {
  duration: number;
  requests: { total: number };
  latency: { p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

interface Settings {
  connections: number;
  durationS: number;
  rounds: number;
  threads: number;
}

function settings(): Settings {
  const { values } = parseArgs({ options: {
    connections: { type: 'string', default: '32' }, duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' }, threads: { type: 'string', default: '1' },
  } });
  const connections = parseInteger(values.connections,
    { name: '--connections', min: 1, max: 1024 });
  return {
    connections,
    durationS: parseInteger(values.duration, { name: '--duration', min: 2, max: 120 }),
    rounds: parseInteger(values.rounds, { name: '--rounds', min: 1, max: 10 }),
    threads: parseInteger(values.threads,
      { name: '--threads', min: 1, max: Math.min(16, connections) }),
  };
}

function target(): { target: LoadTarget; label: string } {
  const lab = openRunningLab(loadConfig());
  const { nginxUrl } = lab.endpoints;
  if (lab.replicas('nginx').length > 0) {
    return {
      target: { name: 'nginx', description: 'through nginx', origins: [nginxUrl] },
      label: `GET ${PATH} through nginx (${nginxUrl}) to the auth replicas`,
    };
  }
  const authUrl = lab.endpoints.authUrl(1);
  return {
    target: { name: 'auth-1', description: 'straight to auth-1', origins: [authUrl] },
    label: `GET ${PATH} straight at auth-1 (${authUrl}): NO NGINX in this lab`,
  };
}

/** "1.23ms" -> 1.23; wrk prints us, ms or s. */
function wrkMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s)$/.exec(text);
  if (!match) throw new LabError('INTERNAL', `cannot read wrk's latency "${text}"`);
  const factor = { us: 0.001, ms: 1, s: 1000 }[match[2] as 'us' | 'ms' | 's'];
  return Number(match[1]) * factor;
}

async function runWrk(origin: string, s: Settings, durationS = s.durationS): Promise<Measured> {
  const args = [`-t${s.threads}`, `-c${s.connections}`, `-d${durationS}s`, '--latency',
    `${origin}${PATH}`];
  const { stdout } = await execa('wrk', args, { timeout: (durationS + 30) * 1000 });
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
  const p99 = /^\s+99%\s+(\S+)$/m.exec(stdout);
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(stdout);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/
    .exec(stdout);
  if (!rate || !p99) throw new LabError('INTERNAL', `cannot read wrk's output:\n${stdout}`);
  const socketErrors = socket ? socket.slice(1).reduce((t, n) => t + Number(n), 0) : 0;
  return { tool: 'wrk', rateHz: Number(rate[1]), p99Ms: wrkMs(p99[1] as string),
    errors: Number(errors?.[1] ?? 0) + socketErrors };
}

async function runAutocannon(origin: string, s: Settings): Promise<Measured> {
  const args = ['--json', '-c', String(s.connections), '-d', String(s.durationS),
    `${origin}${PATH}`];
  const { stdout } = await execa(AUTOCANNON, args, { timeout: (s.durationS + 30) * 1000 });
  const result = JSON.parse(stdout) as AutocannonResult;
  return { tool: 'autocannon', rateHz: result.requests.total / result.duration,
    p99Ms: result.latency.p99, errors: result.errors + result.timeouts + result.non2xx };
}

function authlabOptions(t: LoadTarget, s: Settings, extra: Partial<LoadOptions>): LoadOptions {
  return { target: t, model: 'closed', rateHz: 1, durationS: s.durationS, warmupS: 0,
    connections: s.connections, mix: parseMix('healthz=1'), users: 1, workers: s.threads,
    timeoutMs: 10_000, maxRequests: 20_000_000, ...extra };
}

async function runAuthlab(t: LoadTarget, s: Settings): Promise<Measured> {
  const { overall } = (await runLoad(authlabOptions(t, s, {}))).summary;
  return { tool: 'authlab', rateHz: overall.achievedRateHz, p99Ms: overall.latencyMs.p99 ?? NaN,
    errors: overall.errors.total };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const at = (i: number) => sorted[i] as number;
  return sorted.length % 2 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
}

const fixed = (n: number, digits = 1) => n.toFixed(digits);
const pad = (cells: string[]) =>
  cells.map((c, i) => (i === 0 ? c.padEnd(11) : c.padStart(13))).join('');
const verdict = (met: boolean) => (met ? 'MET' : 'NOT MET');

async function closedRounds(t: LoadTarget, s: Settings): Promise<Map<string, Measured[]>> {
  const tools: Record<string, () => Promise<Measured>> = {
    wrk: () => runWrk(t.origins[0] as string, s),
    authlab: () => runAuthlab(t, s),
    autocannon: () => runAutocannon(t.origins[0] as string, s),
  };
  const names = Object.keys(tools);
  const results = new Map<string, Measured[]>(names.map((name) => [name, []]));
  for (let round = 0; round < s.rounds; round += 1) {
    // Rotate the order each round so a drift of the shared machine hits every tool alike.
    const order = names.map((_, i) => names[(i + round) % names.length] as string);
    for (const name of order) {
      const measured = await (tools[name] as () => Promise<Measured>)();
      results.get(name)?.push(measured);
      console.log(`  round ${round + 1} ${name.padEnd(10)} ${fixed(measured.rateHz)} req/s, ` +
        `p99 ${fixed(measured.p99Ms, 2)} ms, errors ${measured.errors}`);
    }
  }
  return results;
}

/** Prints the closed-mode table; returns wrk's median rate and the verdicts for authlab. */
function closedReport(closed: Map<string, Measured[]>, s: Settings) {
  const wrk = closed.get('wrk') ?? [];
  const wrkRate = median(wrk.map((m) => m.rateHz));
  const wrkP99 = median(wrk.map((m) => m.p99Ms));
  const verdicts: string[] = [];
  console.log(`\nCLOSED MODE (${s.connections} connections, medians of ${s.rounds} round(s))`);
  console.log(pad(['tool', 'req/s', 'p99 ms', 'rate / wrk', 'p99 / wrk']));
  for (const [tool, runs] of closed) {
    const rateRatio = median(runs.map((m) => m.rateHz)) / wrkRate;
    const p99Ratio = median(runs.map((m) => m.p99Ms)) / wrkP99;
    console.log(pad([tool, fixed(median(runs.map((m) => m.rateHz))),
      fixed(median(runs.map((m) => m.p99Ms)), 2), fixed(rateRatio, 3), fixed(p99Ratio, 3)]));
    if (tool !== 'authlab') continue;
    verdicts.push(`closed rate >= 0.8 x wrk: ${verdict(rateRatio >= 0.8)} ` +
      `(${fixed(rateRatio, 3)})`);
    verdicts.push(`closed p99 within 20% of wrk: ${verdict(Math.abs(p99Ratio - 1) <= 0.2)} ` +
      `(${fixed(p99Ratio, 3)})`);
  }
  return { wrkRate, verdicts };
}

/**
 * authlab alone in open mode at fractions of the ceiling; returns the verdicts. Two rates are
 * judged: what the generator sent while the window was open (its own fidelity) and the
 * answers received in the window (what the target delivered at that offered rate).
 */
async function openRuns(t: LoadTarget, s: Settings, ceilingHz: number): Promise<string[]> {
  const verdicts: string[] = [];
  console.log(`\nOPEN MODE (authlab only; ceiling = wrk's ${fixed(ceilingHz)} req/s)`);
  console.log(pad(['fraction', 'offered/s', 'sent/s', 'answered/s', 'p99 ms', 'send lag p99']));
  for (const fraction of OPEN_FRACTIONS) {
    const offered = Math.max(1, Math.round(ceilingHz * fraction));
    const options = authlabOptions(t, s, { model: 'open', rateHz: offered, warmupS: 2 });
    const { overall, schedule } = (await runLoad(options)).summary;
    console.log(pad([fixed(fraction, 2), String(offered), fixed(schedule.sentRateHz),
      fixed(overall.achievedRateHz), fixed(overall.latencyMs.p99 ?? NaN, 2),
      fixed(schedule.sendLagMs?.p99 ?? NaN, 2)]));
    for (const [what, rateHz] of [['sent', schedule.sentRateHz],
      ['answered', overall.achievedRateHz]] as const) {
      const ratio = rateHz / offered;
      verdicts.push(`open at ${fraction} x ceiling, ${what} within 1% of offered: ` +
        `${verdict(Math.abs(ratio - 1) <= 0.01)} (${fixed(ratio, 4)})`);
    }
    verdicts.push(`open at ${fraction} x ceiling: ${overall.errors.total} errors`);
  }
  return verdicts;
}

async function main(): Promise<number> {
  const s = settings();
  const { target: t, label } = target();
  console.log(`endpoint: ${label}`);
  console.log(`closed mode: ${s.connections} connections, ${s.threads} thread(s) each, ` +
    `${s.durationS} s per run, ${s.rounds} round(s)`);
  console.log('warm-up: wrk for 3 s (not counted)');
  await runWrk(t.origins[0] as string, s, 3);

  const { wrkRate, verdicts } = closedReport(await closedRounds(t, s), s);
  verdicts.push(...await openRuns(t, s, wrkRate));
  console.log('\nTARGETS');
  for (const line of verdicts) console.log(`  ${line}`);
  return 0;
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(`bench: ${describeError(error)}`);
  process.exit(isLabError(error) ? error.exitCode : 1);
});

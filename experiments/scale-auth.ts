/**
 * scale-auth: the same load against 1, 2, 4... auth replicas, side by side. For each count
 * the lab is scaled, warmed up and measured; CPU per replica is read from each replica's
 * metrics around the measurement window. Scaling efficiency is throughput at N over N times
 * the throughput at 1, so the table shows where adding replicas stops helping and the hints
 * say why (host CPU, one core per replica, bcrypt, the Postgres pool).
 */
import { availableParallelism } from 'node:os';

import { LIMITS } from '../src/config/defaults.js';
import { badInput } from '../src/errors.js';
import type {
  ExperimentContext, ExperimentDefinition, ExperimentOutcome,
} from '../src/experiments/experiment-definition.js';
import { openRunningLab, runtimeFor } from '../src/lab/running-lab.js';
import { runLoad } from '../src/load/load-generator.js';
import { generatorParams, loadOptionsFrom } from '../src/load/load-params.js';
import { LOAD_FILES, writeLoadSamples } from '../src/load/load-results.js';
import { ReplicaSampler } from '../src/load/replica-sampler.js';
import {
  hintsFor, isSaturated, withEfficiency, type ScaleStep, type ScaleSummary,
} from '../src/load/scale-summary.js';
import { resolveTarget } from '../src/load/target.js';
import { renderScaleTerminal } from '../src/report/load-report.js';
import { LabEvents } from '../src/runtime/lifecycle-events.js';

/** At most this many steps: each one is a full warm-up and measurement. */
const MAX_STEPS = 8;

export function parseReplicaList(raw: string, flag = '--replicas'): number[] {
  const parts = raw.split(',').map((part) => part.trim());
  const counts = parts.map((part) => {
    if (!/^\d+$/.test(part) || Number(part) < 1 || Number(part) > LIMITS.maxAuthReplicas) {
      throw badInput(`${flag}: "${part}" is not a replica count from 1 to ` +
        `${LIMITS.maxAuthReplicas}; give a list like 1,2,4`);
    }
    return Number(part);
  });
  if (new Set(counts).size !== counts.length) throw badInput(`${flag}: a count is given twice`);
  if (counts.length > MAX_STEPS) throw badInput(`${flag}: at most ${MAX_STEPS} counts`);
  return counts;
}

const named = (file: string, replicas: number) => file.replace(/(\.[a-z]+)$/, `-r${replicas}$1`);

async function measureStep(context: ExperimentContext, replicas: number) {
  const { config, params, runDir, signal, say } = context;
  say(`scaling auth to ${replicas}`);
  await runtimeFor(config, new LabEvents()).scale('auth', replicas, signal);

  // The lab's state changed: read it again for the new replicas and their addresses.
  const lab = openRunningLab(config);
  const target = resolveTarget(params.target as string, lab, 'replicas');
  const sampler = new ReplicaSampler(lab.replicas('auth').map((record) => ({
    id: record.id, url: lab.endpoints.authUrl(record.replica),
  })));
  say(`${replicas} replica(s): target ${target.name} (${target.description})`);

  const options = loadOptionsFrom(params, target, signal, say);
  const result = await runLoad({
    ...options, onWindow: { open: () => sampler.open(), close: () => sampler.close() },
  });
  await writeLoadSamples(runDir, result, `-r${replicas}`);
  for (const problem of sampler.problems) say(`metrics: ${problem}`);

  const load = result.summary;
  return {
    replicas,
    offeredRateHz: load.offeredRateHz,
    throughputHz: load.overall.throughputHz,
    achievedRateHz: load.overall.achievedRateHz,
    errorRate: load.overall.errorRate,
    errors: load.overall.errors,
    latencyMs: load.overall.latencyMs,
    cpu: sampler.figures(),
    hostBusyFraction: sampler.hostBusyFraction(),
    saturated: isSaturated(load),
    load,
    files: {
      series: named(LOAD_FILES.series, replicas),
      histograms: named(LOAD_FILES.histograms, replicas),
    },
  };
}

async function run(context: ExperimentContext): Promise<ExperimentOutcome> {
  const { config, params } = context;
  const counts = parseReplicaList(params.replicas as string);
  const cores = availableParallelism();

  const measured: Omit<ScaleStep, 'efficiency'>[] = [];
  const before = context.lab.replicas('auth').length;
  // The cost the lab's replicas hash with, fixed when the lab started.
  const labBcryptCost = context.lab.state.bcryptCost ?? config.bcryptCost;
  try {
    for (const replicas of counts) {
      if (context.signal.aborted) break;
      const step = await measureStep(context, replicas);
      measured.push({ ...step, hints: hintsFor(step, cores, labBcryptCost) });
    }
  } finally {
    // Leave the lab as it was found: the experiment's replica counts are its own business.
    if (before > 0) {
      context.say(`scaling auth back to ${before}`);
      await runtimeFor(config, new LabEvents()).scale('auth', before);
    }
  }
  const { steps, baselineReplicas } = withEfficiency(measured);

  const summary: ScaleSummary = {
    kind: 'scale-auth',
    cores,
    bcryptCost: labBcryptCost,
    baselineReplicas,
    steps,
    note: 'efficiency = throughput at N / (N / baseline x throughput at the baseline); ' +
      'throughput counts 2xx answers per second inside the window',
  };
  return { summary: { ...summary }, table: renderScaleTerminal(summary) };
}

export const scaleAuth: ExperimentDefinition = {
  name: 'scale-auth',
  summary: 'the same load at 1, 2, 4... auth replicas: throughput, latency, CPU, efficiency',
  params: [
    { name: 'replicas', kind: 'text', default: '1,2,4', unit: 'n,n,...',
      check: (raw, flag) => { parseReplicaList(raw, flag); return raw; },
      help: 'auth replica counts, one step each' },
    ...generatorParams({ rateHz: 60, durationS: 10, warmupS: 3 }),
  ],
  run,
};

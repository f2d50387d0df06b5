/**
 * load: one run of the load generator against the lab, recorded like every run.
 *
 * Requests follow a mix of operations over a pool of users created first. In the default
 * open model they are sent on a schedule at --rate whatever the latency, and latency counts
 * from each scheduled time, so a stalled server shows up as latency, not as fewer requests.
 */
import type {
  ExperimentContext, ExperimentDefinition, ExperimentOutcome,
} from '../src/experiments/experiment-definition.js';
import { runLoad } from '../src/load/load-generator.js';
import { LOAD_DEFAULTS } from '../src/load/load-limits.js';
import { generatorParams, loadOptionsFrom } from '../src/load/load-params.js';
import { writeLoadSamples } from '../src/load/load-results.js';
import { resolveTarget } from '../src/load/target.js';
import { renderLoadTerminal } from '../src/report/load-report.js';

async function run(context: ExperimentContext): Promise<ExperimentOutcome> {
  const { lab, params, runDir, signal, say } = context;
  const target = resolveTarget(params.target as string, lab, 'auth-1');
  say(`target: ${target.name} (${target.description})`);

  const result = await runLoad(loadOptionsFrom(params, target, signal, say));
  await writeLoadSamples(runDir, result);
  return { summary: { ...result.summary }, table: renderLoadTerminal(result.summary) };
}

export const load: ExperimentDefinition = {
  name: 'load',
  summary: 'one run of the load generator: a mix of auth operations at a rate, HDR latencies',
  params: generatorParams({
    rateHz: LOAD_DEFAULTS.rateHz, durationS: LOAD_DEFAULTS.durationS,
    warmupS: LOAD_DEFAULTS.warmupS,
  }),
  run,
};

/**
 * `authlab experiment NAME [options]`: run one experiment against the running lab and
 * record it in a new run folder (run.json first, then samples, summary and report).
 */
import type { LabConfig } from '../config/lab-config.js';
import { LabError } from '../errors.js';
import { openRunningLab, type RunningLab } from '../lab/running-lab.js';
import { describeParams, parseParams } from '../experiments/parse-params.js';
import type {
  ExperimentDefinition, ParamValues,
} from '../experiments/experiment-definition.js';
import { EXPERIMENTS, findExperiment } from '../experiments/registry.js';
import {
  createRunFolder, gitCommit, hostInfo, writeRunInfo, writeSummaryJson, type RunInfo,
} from '../report/run-folder.js';
import { packageDir } from '../paths.js';
import { writeReportFiles } from './report.js';

function describe(experiment: ExperimentDefinition): string {
  return `${experiment.name}: ${experiment.summary}\n${describeParams(experiment.params)}\n`;
}

function listExperiments(): number {
  process.stdout.write(EXPERIMENTS.map(describe).join('\n'));
  return 0;
}

function interrupted(what: string): LabError {
  return new LabError('INTERRUPTED', `interrupted: ${what}`);
}

type Say = (line: string) => void;

export async function experimentCommand(config: LabConfig, name: string, args: string[]) {
  if (name === 'list' || name === '--help' || name === '-h') return listExperiments();
  const experiment = findExperiment(name);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(describe(experiment));
    return 0;
  }
  const params = parseParams(experiment.name, experiment.params, args);
  const lab = openRunningLab(config);

  // Listening before the run folder exists, so that no interrupt leaves an empty one. A
  // second Ctrl-C (or SIGTERM) must not kill the process while it stores what was measured.
  const interrupt = new AbortController();
  const say: Say = (line) => process.stderr.write(`[${experiment.name}] ${line}\n`);
  const onSignal = () => {
    if (interrupt.signal.aborted) say('already stopping: storing what was measured');
    else interrupt.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await runExperiment({ config, experiment, params, lab, signal: interrupt.signal, say });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

interface RunRequest {
  config: LabConfig;
  experiment: ExperimentDefinition;
  params: ParamValues;
  lab: RunningLab;
  signal: AbortSignal;
  say: Say;
}

async function runExperiment(request: RunRequest): Promise<number> {
  const { config, experiment, params, lab, signal, say } = request;
  if (signal.aborted) throw interrupted('before the run started; nothing was recorded');

  const folder = await createRunFolder(config.resultsDir, experiment.name);
  const versions = Object.fromEntries(Object.entries(lab.versions())
    .map(([component, version]) => [component, version ?? 'unknown']));
  const run: RunInfo = {
    experiment: experiment.name,
    parameters: { ...params, bcryptCost: lab.state.bcryptCost ?? config.bcryptCost, authReplicas:
      lab.replicas('auth').length, profileReplicas: lab.replicas('profile').length },
    runtime: lab.state.runtime,
    versions,
    host: hostInfo(),
    gitCommit: await gitCommit(packageDir()),
    startedAt: new Date().toISOString(),
    endedAt: null,
  };
  await writeRunInfo(folder.path, run);

  say(`run folder ${folder.path}`);
  const outcome = await experiment.run({
    config, lab, params, runDir: folder.path, signal, say,
  });
  const wasInterrupted = signal.aborted;
  await writeSummaryJson(folder.path, outcome.summary);
  await writeRunInfo(folder.path, {
    ...run, endedAt: new Date().toISOString(), ...(wasInterrupted ? { interrupted: true } : {}),
  });
  await writeReportFiles(folder);
  process.stdout.write(`${outcome.table}\nrun folder: ${folder.path}\n`);
  if (wasInterrupted) {
    throw interrupted('the run folder holds what was measured until then, marked ' +
      '"interrupted" in run.json');
  }
  return 0;
}

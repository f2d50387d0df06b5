/**
 * `authlab experiment NAME [options]`: run one experiment against the running lab and
 * record it in a new run folder (run.json first, then samples, summary and report).
 */
import type { LabConfig } from '../config/lab-config.js';
import { LabError } from '../errors.js';
import { openRunningLab } from '../lab/running-lab.js';
import { describeParams, parseParams } from '../experiments/parse-params.js';
import type { ExperimentDefinition } from '../experiments/experiment-definition.js';
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

export async function experimentCommand(config: LabConfig, name: string, args: string[]) {
  if (name === 'list') return listExperiments();
  const experiment = findExperiment(name);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(describe(experiment));
    return 0;
  }
  const params = parseParams(experiment.name, experiment.params, args);
  const lab = openRunningLab(config);

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

  const interrupt = new AbortController();
  const onSignal = () => interrupt.abort();
  process.once('SIGINT', onSignal);
  const say = (line: string) => process.stderr.write(`[${experiment.name}] ${line}\n`);
  say(`run folder ${folder.path}`);
  try {
    const outcome = await experiment.run({
      config, lab, params, runDir: folder.path, signal: interrupt.signal, say,
    });
    const interrupted = interrupt.signal.aborted;
    await writeSummaryJson(folder.path, outcome.summary);
    await writeRunInfo(folder.path, {
      ...run, endedAt: new Date().toISOString(), ...(interrupted ? { interrupted } : {}),
    });
    await writeReportFiles(folder);
    process.stdout.write(`${outcome.table}\nrun folder: ${folder.path}\n`);
    if (interrupted) {
      throw new LabError('INTERRUPTED', 'interrupted: the run folder holds what was measured ' +
        'until then, marked "interrupted" in run.json');
    }
  } finally {
    process.off('SIGINT', onSignal);
  }
  return 0;
}

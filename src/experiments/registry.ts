/** Every experiment authlab knows, by name. */
import { load } from '../../experiments/load.js';
import { replicationLag } from '../../experiments/replication-lag.js';
import { scaleAuth } from '../../experiments/scale-auth.js';
import { badInput } from '../errors.js';
import type { ExperimentDefinition } from './experiment-definition.js';

export const EXPERIMENTS: readonly ExperimentDefinition[] = [replicationLag, load, scaleAuth];

export function findExperiment(name: string): ExperimentDefinition {
  const found = EXPERIMENTS.find((e) => e.name === name);
  if (!found) {
    throw badInput(`no experiment named "${name}"; experiments: ` +
      EXPERIMENTS.map((e) => e.name).join(', '));
  }
  return found;
}

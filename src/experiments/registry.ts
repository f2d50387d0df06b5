/** Every experiment authlab knows, by name. */
import { replicationLag } from '../../experiments/replication-lag.js';
import { badInput } from '../errors.js';
import type { ExperimentDefinition } from './experiment-definition.js';

export const EXPERIMENTS: readonly ExperimentDefinition[] = [replicationLag];

export function findExperiment(name: string): ExperimentDefinition {
  const found = EXPERIMENTS.find((e) => e.name === name);
  if (!found) {
    throw badInput(`no experiment named "${name}"; experiments: ` +
      EXPERIMENTS.map((e) => e.name).join(', '));
  }
  return found;
}

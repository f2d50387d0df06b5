/**
 * A running lab as commands and experiments see it: its endpoints, secrets and replicas.
 * Only a started lab knows its ports and URLs; commands never ask which runtime runs it.
 */
import type { LabConfig } from '../config/lab-config.js';
import { LabError } from '../errors.js';
import { LabEvents } from '../runtime/lifecycle-events.js';
import { readLabState, type LabState, type ReplicaRecord } from '../runtime/lab-state.js';
import { componentVersions } from '../runtime/local/component-versions.js';
import { createLocalContext, type LocalContext } from '../runtime/local/local-context.js';
import { LocalRuntime } from '../runtime/local/local-runtime.js';
import type { LabRuntime } from '../runtime/runtime.js';
import type { LabEndpoints } from '../stack/endpoints.js';

export interface RunningLab {
  config: LabConfig;
  state: LabState;
  endpoints: LabEndpoints;
  context: LocalContext;
  replicas(service: string): ReplicaRecord[];
  versions(): Record<string, string | null>;
}

export function runtimeFor(config: LabConfig, events = new LabEvents()): LabRuntime {
  if (config.runtime === 'docker') {
    throw new LabError('UNAVAILABLE', 'the docker runtime is not part of this version yet; ' +
      'use the local runtime (--runtime local, the default)');
  }
  return new LocalRuntime(config, events);
}

export function openRunningLab(config: LabConfig): RunningLab {
  const state = readLabState(config.labDir);
  if (!state || Object.keys(state.replicas).length === 0) {
    throw new LabError('NO_LAB', `no lab is running in ${config.labDir}; start one with ` +
      '`authlab up`');
  }
  const context = createLocalContext({ ...config, portBase: state.portBase }, state.postgresDataDir);
  return {
    config,
    state,
    endpoints: context.endpoints,
    context,
    replicas: (service) => Object.values(state.replicas)
      .filter((r) => r.service === service).sort((a, b) => a.replica - b.replica),
    versions: () => componentVersions(config.cacheDir),
  };
}

/**
 * A running lab as commands and experiments see it: its endpoints, secrets and replicas.
 * Only a started lab knows its ports and URLs; commands never ask which runtime runs it.
 */
import type { LabConfig, RuntimeName } from '../config/lab-config.js';
import { LabEvents } from '../runtime/lifecycle-events.js';
import {
  readLabState, requireRunningState, type LabState, type ReplicaRecord,
} from '../runtime/lab-state.js';
import { componentVersions } from '../runtime/local/component-versions.js';
import { createLocalContext, type LocalContext } from '../runtime/local/local-context.js';
import { LocalRuntime } from '../runtime/local/local-runtime.js';
import { DockerRuntime } from '../runtime/docker/docker-runtime.js';
import { dockerComponentVersions } from '../runtime/docker/component-images.js';
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

/**
 * The runtime that owns the lab folder. A running lab's state decides; so does a stopped
 * docker lab's (its volumes hold the data) unless the docker runtime is asked for anyway.
 * Otherwise the configured runtime (--runtime, AUTHLAB_RUNTIME, the config file) decides.
 *
 * Limitation: an explicit `--runtime local` cannot be told from the default, so a stopped
 * docker lab stays docker until `authlab down --purge`; a config that records whether the
 * runtime was chosen would lift this.
 */
export function runtimeNameFor(config: LabConfig, state: LabState | null): RuntimeName {
  if (!state) return config.runtime;
  if (Object.keys(state.replicas).length > 0) return state.runtime;
  return config.runtime === 'local' ? state.runtime : config.runtime;
}

export function runtimeFor(config: LabConfig, events = new LabEvents()): LabRuntime {
  const name = runtimeNameFor(config, readLabState(config.labDir));
  return name === 'docker' ? new DockerRuntime(config, events) : new LocalRuntime(config, events);
}

export function openRunningLab(config: LabConfig): RunningLab {
  const state = requireRunningState(config.labDir);
  const context = createLocalContext(
    { ...config, portBase: state.portBase, bcryptCost: state.bcryptCost ?? config.bcryptCost },
    state.postgresDataDir, state);
  return {
    config,
    state,
    endpoints: context.endpoints,
    context,
    replicas: (service) => Object.values(state.replicas)
      .filter((r) => r.service === service).sort((a, b) => a.replica - b.replica),
    versions: () => state.runtime === 'docker'
      ? dockerComponentVersions(config.images) : componentVersions(config.cacheDir),
  };
}

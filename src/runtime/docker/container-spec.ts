/**
 * What one replica's container is, as plain data: image, command, environment, network,
 * published ports, volumes, files and health check. Spec functions build it from the lab's
 * settings without touching the engine, so unit tests can check it against the images' docs.
 */
import type Docker from 'dockerode';

import type { ServiceName } from '../lab-state.js';
import { LABELS } from './docker-names.js';

export interface PublishedPort {
  container: number;
  /** Published on 127.0.0.1 only. */
  host: number;
}

export interface ContainerFile {
  /** Absolute path inside the container. */
  path: string;
  content: string;
  mode?: number;
}

export interface HealthCheck {
  test: string[];
  intervalS: number;
  timeoutS: number;
  retries: number;
  startPeriodS: number;
}

export interface ContainerSpec {
  service: ServiceName;
  replica: number;
  /** "postgres", "auth-2": the replica id users type. */
  id: string;
  image: string;
  entrypoint?: string[];
  cmd?: string[];
  env: Record<string, string>;
  user?: string;
  /**
   * "lab": the lab's own network, reachable there by its aliases, ports published on
   * 127.0.0.1. "host": the host's network namespace, binding 127.0.0.1 itself.
   */
  network: 'lab' | 'host';
  aliases: string[];
  /** Lab network only: container ports published on the host. */
  ports: PublishedPort[];
  /** Host network only: the ports the replica binds on the host's 127.0.0.1 itself. */
  boundPorts: number[];
  /** Named volumes by purpose ("postgres"); the runtime prefixes the lab id. */
  volumes: Array<{ purpose: string; target: string }>;
  /** Copied into the container after it is created and before it starts. */
  files: ContainerFile[];
  healthcheck?: HealthCheck;
  stopSignal: string;
  stopTimeoutS: number;
}

export interface CreateContext {
  labLabels: Record<string, string>;
  containerName: string;
  networkName: string;
  volumeName: (purpose: string) => string;
}

const NANOS_PER_SECOND = 1_000_000_000;

/** The host ports a replica holds, either way; the first is the one status shows. */
export function hostPorts(spec: ContainerSpec): number[] {
  return spec.network === 'lab' ? spec.ports.map((p) => p.host) : spec.boundPorts;
}

function exposedPorts(spec: ContainerSpec): Record<string, object> {
  return Object.fromEntries(spec.ports.map((p) => [`${p.container}/tcp`, {}]));
}

function portBindings(spec: ContainerSpec): Docker.PortMap {
  return Object.fromEntries(spec.ports.map((p) =>
    [`${p.container}/tcp`, [{ HostIp: '127.0.0.1', HostPort: String(p.host) }]]));
}

/** The engine's create-container body for a spec. Pure: same spec, same body. */
export function createOptions(spec: ContainerSpec, ctx: CreateContext):
  Docker.ContainerCreateOptions {
  const onLab = spec.network === 'lab';
  const health = spec.healthcheck;
  return {
    name: ctx.containerName,
    Image: spec.image,
    ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
    ...(spec.cmd ? { Cmd: spec.cmd } : {}),
    ...(spec.user ? { User: spec.user } : {}),
    Env: Object.entries(spec.env).map(([name, value]) => `${name}=${value}`),
    Labels: {
      ...ctx.labLabels,
      [LABELS.service]: spec.service,
      [LABELS.replica]: String(spec.replica),
    },
    ExposedPorts: onLab ? exposedPorts(spec) : {},
    StopSignal: spec.stopSignal,
    StopTimeout: spec.stopTimeoutS,
    ...(health ? {
      Healthcheck: {
        Test: health.test,
        Interval: health.intervalS * NANOS_PER_SECOND,
        Timeout: health.timeoutS * NANOS_PER_SECOND,
        Retries: health.retries,
        StartPeriod: health.startPeriodS * NANOS_PER_SECOND,
      },
    } : {}),
    HostConfig: {
      NetworkMode: onLab ? ctx.networkName : 'host',
      PortBindings: onLab ? portBindings(spec) : {},
      Mounts: spec.volumes.map((v) => ({
        Type: 'volume' as const, Source: ctx.volumeName(v.purpose), Target: v.target,
      })),
      // A replica that dies stays dead: fault experiments and `status` must see it.
      RestartPolicy: { Name: 'no' },
      Init: false,
    },
    ...(onLab ? {
      NetworkingConfig: {
        EndpointsConfig: { [ctx.networkName]: { Aliases: spec.aliases } },
      },
    } : {}),
  };
}

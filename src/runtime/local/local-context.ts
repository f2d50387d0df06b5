/**
 * What a local service definition needs to prepare and launch a replica: the config, the
 * port layout, secrets, endpoints and the lab's folders.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import type { LabConfig } from '../../config/lab-config.js';
import { labEndpoints, type LabEndpoints } from '../../stack/endpoints.js';
import { portLayout, type PortLayout } from '../../stack/ports.js';
import { loadOrCreateSecrets, type LabSecrets } from '../../stack/secrets.js';
import { recordedTuning, type TuningProfile } from '../../stack/tuning.js';
import type { LaunchSpec } from './process-supervisor.js';
import type { LabState, ServiceName } from '../lab-state.js';

export interface LabDirs {
  lab: string;
  config: string;
  logs: string;
  data: string;
}

export interface LocalContext {
  config: LabConfig;
  ports: PortLayout;
  secrets: LabSecrets;
  endpoints: LabEndpoints;
  dirs: LabDirs;
  /** Chosen at first start and then read from the lab state. */
  postgresDataDir: string;
  /** The tuning profile the lab runs with. */
  tuning: TuningProfile;
  /** Replica numbers of a service the lab currently runs (not stopped or paused on purpose). */
  activeReplicas(service: ServiceName): number[];
}

export function labDirs(labDir: string): LabDirs {
  const dirs = {
    lab: labDir,
    config: join(labDir, 'config'),
    logs: join(labDir, 'logs'),
    data: join(labDir, 'data'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true, mode: 0o755 });
  return dirs;
}

export function createLocalContext(
  config: LabConfig, postgresDataDir?: string, state?: LabState,
): LocalContext {
  const dirs = labDirs(config.labDir);
  const ports = portLayout(config.portBase);
  const secrets = loadOrCreateSecrets(config.labDir);
  return {
    config,
    ports,
    secrets,
    endpoints: labEndpoints(ports, secrets),
    dirs,
    postgresDataDir: postgresDataDir ?? join(dirs.data, 'postgres'),
    tuning: recordedTuning(state?.tuning),
    activeReplicas: (service) => Object.values(state?.replicas ?? {})
      .filter((record) => record.service === service && !record.held)
      .map((record) => record.replica)
      .sort((a, b) => a - b),
  };
}

export type LocalLaunch = Omit<LaunchSpec, 'logFile'>;

/** One kind of component as the local runtime runs it. */
export interface LocalService {
  service: ServiceName;
  /** Replicated services (auth, profile) have ids like auth-1; the others have one replica. */
  replicated: boolean;
  dependsOn: ServiceName[];
  /** Signal that asks for a clean, prompt shutdown. */
  stopSignal: NodeJS.Signals;
  /** Ports this replica listens on; the first is the one shown in status. */
  ports(ctx: LocalContext, replica: number): number[];
  /** Idempotent: render config files, create data folders, initialise storage once. */
  prepare?(ctx: LocalContext, replica: number): Promise<void>;
  launch(ctx: LocalContext, replica: number): LocalLaunch;
  /** One readiness attempt: throws until the replica really answers. */
  probe(ctx: LocalContext, replica: number): Promise<void>;
  /** Once per `up`, after the first replica is ready (schema, connector registration). */
  afterReady?(ctx: LocalContext, onStep: (message: string) => void): Promise<void>;
}

/** The environment every lab process gets: nothing of the caller's but the basics. */
export function baseEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    LANG: 'C.UTF-8',
    // Every timestamp the lab stores or compares is UTC.
    TZ: 'UTC',
    ...extra,
  };
}

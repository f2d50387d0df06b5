/**
 * The lab's state file: which runtime runs it, on which ports, and every replica it started
 * (pid and process start time, so a recycled pid is never mistaken for ours; for the docker
 * runtime, the container id).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { LabError } from '../errors.js';
import type { RuntimeName } from '../config/lab-config.js';

export type ServiceName =
  | 'postgres' | 'redis' | 'kafka' | 'connect' | 'mongo' | 'auth' | 'profile' | 'nginx'
  | 'prometheus'
  // Only the docker runtime runs Grafana.
  | 'grafana';

export interface ReplicaRecord {
  /** "postgres", "auth-2": the name users see and type. */
  id: string;
  service: ServiceName;
  replica: number;
  port: number;
  /**
   * The replica's main process as the host sees it. Under the docker runtime it is the
   * container's main process when the engine runs on this host, and 0 when it is not known:
   * code outside a runtime must not signal it.
   */
  pid: number;
  /** Kernel start time of the process (clock ticks since boot), from /proc/PID/stat; 0 under
   * the docker runtime, which identifies a replica by its container id instead. */
  pidStartTicks: number;
  startedAt: string;
  /** Where its output goes: a file (local runtime) or the `docker logs` command to read it. */
  logFile: string;
  /** The docker runtime's container; absent under the local runtime. */
  containerId?: string;
  /** Set when a user stopped or paused this replica on purpose (fault experiments). */
  held?: 'stopped' | 'paused';
}

export interface LabState {
  version: 1;
  runtime: RuntimeName;
  portBase: number;
  labDir: string;
  createdAt: string;
  /**
   * Where Postgres keeps its data: a folder (local runtime; may lie outside labDir when running
   * as root) or, under the docker runtime, the name of the docker volume.
   */
  postgresDataDir: string;
  replicas: Record<string, ReplicaRecord>;
  /** The tuning profile (stacks/tuning) the lab runs with; absent means "default". */
  tuning?: string;
  /**
   * The bcrypt cost every auth replica of this lab hashes with, fixed when the lab first
   * starts so replicas added later never differ; `down --purge` then `up` changes it.
   */
  bcryptCost?: number;
}

export function statePath(labDir: string): string {
  return join(labDir, 'state.json');
}

export function readLabState(labDir: string): LabState | null {
  const path = statePath(labDir);
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LabState;
  } catch (error) {
    throw new LabError('INTERNAL', `lab state ${path} is not valid JSON; stop the processes ` +
      'it lists by hand, then move it aside', { cause: error });
  }
}

/** Written to a temporary file and renamed, so a crash never leaves half a state file. */
export function writeLabState(state: LabState): void {
  mkdirSync(state.labDir, { recursive: true });
  const path = statePath(state.labDir);
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, JSON.stringify(state, null, 2));
  renameSync(temporary, path);
}

export function replicaId(service: ServiceName, replica: number, replicated: boolean): string {
  return replicated ? `${service}-${replica}` : service;
}

/** The record of one replica, or a BAD_INPUT error listing the replicas there are. */
export function requireReplica(state: LabState, id: string): ReplicaRecord {
  const record = state.replicas[id];
  if (!record) {
    throw new LabError('BAD_INPUT', `no replica named "${id}"; replicas: ` +
      Object.keys(state.replicas).join(', '));
  }
  return record;
}

/** The state of a lab that runs something, or a NO_LAB error saying how to start one. */
export function requireRunningState(labDir: string): LabState {
  const state = readLabState(labDir);
  if (!state || Object.keys(state.replicas).length === 0) {
    throw new LabError('NO_LAB', `no lab is running in ${labDir}; start one with \`authlab up\``);
  }
  return state;
}

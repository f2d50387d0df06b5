/**
 * The lab's state file: which runtime runs it, on which ports, and every replica it started
 * (pid and process start time, so a recycled pid is never mistaken for ours).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { LabError } from '../errors.js';
import type { RuntimeName } from '../config/lab-config.js';

export type ServiceName =
  | 'postgres' | 'redis' | 'kafka' | 'connect' | 'mongo' | 'auth' | 'profile' | 'nginx'
  | 'prometheus';

export interface ReplicaRecord {
  /** "postgres", "auth-2": the name users see and type. */
  id: string;
  service: ServiceName;
  replica: number;
  port: number;
  pid: number;
  /** Kernel start time of the process (clock ticks since boot), from /proc/PID/stat. */
  pidStartTicks: number;
  startedAt: string;
  logFile: string;
  /** Set when a user stopped or paused this replica on purpose (fault experiments). */
  held?: 'stopped' | 'paused';
}

export interface LabState {
  version: 1;
  runtime: RuntimeName;
  portBase: number;
  labDir: string;
  createdAt: string;
  /** Where Postgres keeps its data (may lie outside labDir when running as root). */
  postgresDataDir: string;
  replicas: Record<string, ReplicaRecord>;
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

/**
 * The one interface both runtimes implement. Commands and experiments speak only to this,
 * so they never ask whether the lab runs as local processes or as containers.
 */
import type { LabState, ServiceName } from './lab-state.js';
import type { ReplicaStatus } from './replica-status.js';

export type ScalableService = 'auth' | 'profile';

export type ReplicaAction = 'stop' | 'kill' | 'pause' | 'resume' | 'start';

export interface UpOptions {
  /** Start only these services (and what they depend on); default: the whole stack. */
  only?: ServiceName[];
  signal?: AbortSignal;
}

export interface DownResult {
  stopped: number;
  /** Ports of the lab still in use after everything stopped (should be none). */
  busyPorts: number[];
}

export interface ScaleResult {
  started: string[];
  stopped: string[];
}

export interface LabRuntime {
  readonly name: 'local' | 'docker';
  up(options?: UpOptions): Promise<LabState>;
  down(options: { purge: boolean }): Promise<DownResult>;
  scale(service: ScalableService, count: number, signal?: AbortSignal): Promise<ScaleResult>;
  status(): Promise<ReplicaStatus[]>;
  /** The last lines of a replica's log. */
  logs(replicaId: string, lines: number): Promise<string>;
  /** Fault injection on one replica: stop (clean), kill (SIGKILL), pause, resume, start. */
  act(replicaId: string, action: ReplicaAction): Promise<void>;
  /**
   * Switches the running lab to a tuning profile (stacks/tuning): re-registers the
   * connector and restarts the profile replicas when anything changes. Returns whether it did.
   */
  applyTuning?(name: string): Promise<boolean>;
  /** The lab's state, or a NO_LAB error when nothing runs. */
  requireState(): LabState;
}

/**
 * What the main thread and a load worker say to each other. A worker gets its plan as
 * workerData, answers `ready` once its pools exist, runs from the `start` time it is given
 * (the same for every worker) and answers with one `report` of plain, mergeable data.
 */
import type { EncodedHistogram } from './load-histogram.js';
import type { Mix, OperationName } from './mix.js';
import type { EncodedOp } from './op-recorder.js';
import type { ScheduleResult } from './load-schedule.js';
import type { WorkloadPlan } from './workload.js';

export type LoadModel = 'open' | 'closed';

export interface WorkerPlan {
  workerIndex: number;
  workerCount: number;
  origins: string[];
  /** This worker's sockets per origin (open) or concurrent loops per origin (closed). */
  connections: number;
  model: LoadModel;
  /** The whole run's rate; this worker sends every workerCount-th slot of it (open only). */
  totalRateHz: number;
  mix: Mix;
  warmupMs: number;
  durationMs: number;
  /** After the schedule ends, how long answers are awaited before the hard stop. */
  drainMs: number;
  /** This worker's share of the run's request cap. */
  maxRequests: number;
  maxInFlight: number;
  timeoutMs: number;
  workload: WorkloadPlan;
}

export type ToWorker = { type: 'start'; startMs: number } | { type: 'stop' };

export interface WorkerReport {
  workerIndex: number;
  schedule: ScheduleResult;
  /** Open model: how late each measured request left after its due time. */
  sendLag: EncodedHistogram;
  /** Requests that left while the measurement window was open (by actual send time). */
  sentInWindow: number;
  operations: Partial<Record<OperationName, EncodedOp>>;
}

export type FromWorker =
  | { type: 'ready' }
  | { type: 'report'; report: WorkerReport }
  | { type: 'failed'; message: string };

/** What status reports for each replica, whichever runtime runs it. */
export type ReplicaCondition = 'ready' | 'unready' | 'exited' | 'stopped' | 'paused';

export interface ReplicaStatus {
  id: string;
  service: string;
  replica: number;
  state: ReplicaCondition;
  port: number;
  pid: number;
  /** CPU use over a short window, percent of one core. */
  cpuPercent: number | null;
  rssMiB: number | null;
  /** Profile replicas: events on its partitions not yet committed; null where not known. */
  consumerLag: number | null;
  startedAt: string;
  logFile: string;
}


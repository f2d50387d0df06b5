/**
 * Reads every auth replica's metrics when the measurement window opens and closes, and
 * polls the Postgres pool gauge in between (a gauge has no history to read afterwards).
 * Turns the readings into CPU per replica and bcrypt figures for one scale-auth step.
 */
import { describeError } from '../errors.js';
import { hostBusyFraction, readHostCpu, type HostCpuReading } from './host-cpu.js';
import { readReplica, type ReplicaReading } from './replica-metrics.js';
import type { ReplicaCpu } from './scale-summary.js';

export interface SampledReplica {
  id: string;
  url: string;
}

/** How often the pool gauge is polled: often enough to see a backlog, cheap for the replica. */
const POLL_INTERVAL_MS = 2_000;

export class ReplicaSampler {
  private first = new Map<string, ReplicaReading>();
  private last = new Map<string, ReplicaReading>();
  private pgWaitingMax = new Map<string, number>();
  private hostFirst: HostCpuReading | null = null;
  private hostLast: HostCpuReading | null = null;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> = Promise.resolve();
  readonly problems: string[] = [];

  constructor(private readonly replicas: readonly SampledReplica[]) {}

  private async readAll(into: Map<string, ReplicaReading>): Promise<void> {
    await Promise.all(this.replicas.map(async (replica) => {
      try {
        const reading = await readReplica(replica.url);
        into.set(replica.id, reading);
        const seen = this.pgWaitingMax.get(replica.id) ?? 0;
        this.pgWaitingMax.set(replica.id, Math.max(seen, reading.pgWaiting));
      } catch (error) {
        this.problems.push(`${replica.id}: ${describeError(error)}`);
      }
    }));
  }

  async open(): Promise<void> {
    this.hostFirst = readHostCpu();
    await this.readAll(this.first);
    this.timer = setInterval(() => {
      this.polling = this.polling.then(() => this.readAll(new Map()));
    }, POLL_INTERVAL_MS);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.polling;
    this.hostLast = readHostCpu();
    await this.readAll(this.last);
  }

  hostBusyFraction(): number {
    if (!this.hostFirst || !this.hostLast) return 0;
    return hostBusyFraction(this.hostFirst, this.hostLast);
  }

  /** CPU and bcrypt figures per replica over the window; replicas not read twice are left out. */
  figures(): ReplicaCpu[] {
    return this.replicas.flatMap((replica): ReplicaCpu[] => {
      const before = this.first.get(replica.id);
      const after = this.last.get(replica.id);
      if (!before || !after) return [];
      const seconds = Math.max(0.001, (after.atMs - before.atMs) / 1000);
      const calls = after.bcryptCalls - before.bcryptCalls;
      return [{
        replica: replica.id,
        cores: (after.cpuSeconds - before.cpuSeconds) / seconds,
        bcryptCallsPerS: calls / seconds,
        bcryptMeanMs: calls > 0 ? ((after.bcryptSeconds - before.bcryptSeconds) / calls) * 1000 :
          null,
        pgWaitingMax: this.pgWaitingMax.get(replica.id) ?? 0,
      }];
    });
  }
}

/**
 * What `authlab status` shows for each replica: whether its process lives and answers, and
 * what it costs (CPU over a short window, resident memory), read from /proc.
 */
import { readFileSync } from 'node:fs';

import type { LabState, ReplicaRecord } from '../lab-state.js';
import type { ReplicaCondition, ReplicaStatus } from '../replica-status.js';
import type { LocalContext } from './local-context.js';
import { isOurProcessAlive } from './process-supervisor.js';
import { LOCAL_SERVICES, localService } from './services/index.js';

const CPU_WINDOW_MS = 300;
const TICKS_PER_SECOND = 100;

/** utime + stime of a process and its waited-for children, in clock ticks. */
function cpuTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  } catch {
    return null;
  }
}

function rssMiB(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Math.round(Number(match[1]) / 1024) : null;
  } catch {
    return null;
  }
}

async function condition(ctx: LocalContext, record: ReplicaRecord): Promise<ReplicaCondition> {
  if (record.held === 'paused') return 'paused';
  if (!isOurProcessAlive(record.pid, record.pidStartTicks)) {
    return record.held === 'stopped' ? 'stopped' : 'exited';
  }
  try {
    await localService(record.service).probe(ctx, record.replica);
    return 'ready';
  } catch {
    return 'unready';
  }
}

export async function replicaStatuses(ctx: LocalContext, state: LabState) {
  const order = LOCAL_SERVICES.map((service) => service.service);
  const records = Object.values(state.replicas).sort((a, b) =>
    order.indexOf(a.service) - order.indexOf(b.service) || a.replica - b.replica);
  const before = new Map(records.map((r) => [r.id, cpuTicks(r.pid)]));
  const startedMs = Date.now();
  const conditions = await Promise.all(records.map((r) => condition(ctx, r)));
  const waitMs = CPU_WINDOW_MS - (Date.now() - startedMs);
  if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
  const elapsedS = (Date.now() - startedMs) / 1000;

  return records.map((record, index): ReplicaStatus => {
    const alive = isOurProcessAlive(record.pid, record.pidStartTicks);
    const start = before.get(record.id);
    const end = alive ? cpuTicks(record.pid) : null;
    const cpuPercent = start != null && end != null
      ? Math.round(((end - start) / TICKS_PER_SECOND / elapsedS) * 1000) / 10 : null;
    return {
      id: record.id,
      service: record.service,
      replica: record.replica,
      state: conditions[index] as ReplicaCondition,
      port: record.port,
      pid: record.pid,
      cpuPercent,
      rssMiB: alive ? rssMiB(record.pid) : null,
      consumerLag: null,
      startedAt: record.startedAt,
      logFile: record.logFile,
    };
  });
}

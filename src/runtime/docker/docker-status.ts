/**
 * What `authlab status` shows for each container replica: whether it runs and answers its
 * probe, and what it costs (CPU over the engine's sampling window, memory without page
 * cache), from the engine's inspect and stats calls.
 */
import type Docker from 'dockerode';

import type { LabState, ReplicaRecord } from '../lab-state.js';
import type { LocalContext } from '../local/local-context.js';
import type { ReplicaCondition, ReplicaStatus } from '../replica-status.js';
import { dockerService } from './docker-services.js';
import { inspectOrNull } from './lab-objects.js';

interface Usage {
  cpuPercent: number | null;
  rssMiB: number | null;
}

const NO_USAGE: Usage = { cpuPercent: null, rssMiB: null };

/** CPU as percent of one core, and memory less the page cache (cgroup v1 or v2 fields). */
export function usageFromStats(stats: Docker.ContainerStats): Usage {
  const cpu = stats.cpu_stats;
  const previous = stats.precpu_stats;
  const cpuDelta = cpu.cpu_usage.total_usage - (previous?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (cpu.system_cpu_usage ?? 0) - (previous?.system_cpu_usage ?? 0);
  const cores = cpu.online_cpus || cpu.cpu_usage.percpu_usage?.length || 1;
  const cpuPercent = previous?.system_cpu_usage && systemDelta > 0
    ? Math.round((cpuDelta / systemDelta) * cores * 1000) / 10 : null;

  const memory = stats.memory_stats;
  const detail = (memory?.stats ?? {}) as unknown as Record<string, number | undefined>;
  const cache = detail.total_inactive_file ?? detail.inactive_file ?? detail.cache ?? 0;
  const rssMiB = memory?.usage !== undefined
    ? Math.round((memory.usage - cache) / 1024 / 1024) : null;
  return { cpuPercent, rssMiB };
}

async function usage(docker: Docker, id: string): Promise<Usage> {
  try {
    const stats = await docker.getContainer(id).stats({ stream: false });
    return usageFromStats(stats as Docker.ContainerStats);
  } catch {
    return NO_USAGE;
  }
}

async function replicaStatus(
  docker: Docker, ctx: LocalContext, record: ReplicaRecord,
): Promise<ReplicaStatus> {
  const info = record.containerId ? await inspectOrNull(docker, record.containerId) : null;
  const running = info?.State.Running === true;
  let state: ReplicaCondition;
  if (info?.State.Paused) state = 'paused';
  else if (!running) state = record.held === 'stopped' ? 'stopped' : 'exited';
  else {
    try {
      await dockerService(record.service).probe(ctx, record.replica);
      state = 'ready';
    } catch {
      state = 'unready';
    }
  }

  const cost = running && !info?.State.Paused && record.containerId
    ? await usage(docker, record.containerId) : NO_USAGE;
  return {
    id: record.id,
    service: record.service,
    replica: record.replica,
    state,
    port: record.port,
    pid: running ? info?.State.Pid ?? 0 : 0,
    cpuPercent: cost.cpuPercent,
    rssMiB: cost.rssMiB,
    consumerLag: null,
    startedAt: record.startedAt,
    logFile: record.logFile,
  };
}

export function dockerStatuses(docker: Docker, ctx: LocalContext, state: LabState) {
  const records = Object.values(state.replicas)
    .sort((a, b) => a.service.localeCompare(b.service) || a.replica - b.replica);
  return Promise.all(records.map((record) => replicaStatus(docker, ctx, record)));
}

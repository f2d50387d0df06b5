/**
 * Starts one replica and waits for its real readiness. If the process dies while we wait,
 * the wait stops at once and the error carries the tail of its log.
 */
import { join } from 'node:path';

import { LabError } from '../../errors.js';
import type { LabEvents } from '../lifecycle-events.js';
import { replicaId, type ReplicaRecord } from '../lab-state.js';
import { waitUntil } from '../wait-until.js';
import type { LocalContext, LocalService } from './local-context.js';
import { isOurProcessAlive, launch, tailOfFile } from './process-supervisor.js';

export interface StartReplicaOptions {
  ctx: LocalContext;
  events: LabEvents;
  signal: AbortSignal;
  /** Called as soon as the process exists, so an interrupt can stop it. */
  onLaunched: (record: ReplicaRecord) => void;
}

export async function startReplica(
  service: LocalService,
  replica: number,
  options: StartReplicaOptions,
): Promise<ReplicaRecord> {
  const { ctx, events, signal } = options;
  const id = replicaId(service.service, replica, service.replicated);
  const logFile = join(ctx.dirs.logs, `${id}.log`);
  const startedMs = Date.now();
  events.emit({ type: 'starting', replica: id });

  await service.prepare?.(ctx, replica);
  const launched = await launch({ ...service.launch(ctx, replica), logFile });
  const record: ReplicaRecord = {
    id,
    service: service.service,
    replica,
    port: service.ports(ctx, replica)[0] as number,
    pid: launched.pid,
    pidStartTicks: launched.pidStartTicks,
    startedAt: new Date().toISOString(),
    logFile,
  };
  options.onLaunched(record);

  try {
    await waitUntil(() => service.probe(ctx, replica), {
      what: `${id} on 127.0.0.1:${record.port}`,
      timeoutMs: ctx.config.readyTimeoutMs,
      intervalMs: 300,
      hint: `see ${logFile}`,
      abortReason: () => {
        if (signal.aborted) return 'interrupted';
        if (!isOurProcessAlive(record.pid, record.pidStartTicks)) return 'the process exited';
        return null;
      },
    });
  } catch (error) {
    const reason = (error as Error).message;
    events.emit({ type: 'failed', replica: id, reason });
    if (signal.aborted) throw new LabError('INTERRUPTED', 'interrupted', { cause: error });
    throw new LabError('COMPONENT_FAILED', `${id} failed to start: ${reason}`, {
      cause: error,
      details: `last lines of ${logFile}:\n${tailOfFile(logFile)}`,
    });
  }

  events.emit({ type: 'ready', replica: id, elapsedMs: Date.now() - startedMs });
  return record;
}

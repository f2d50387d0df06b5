/**
 * Creates and starts one replica's container and waits for its real readiness through the
 * same probe the local runtime uses. If the container exits while we wait, the wait stops
 * at once and the error carries the tail of its log.
 */
import type Docker from 'dockerode';

import { LabError } from '../../errors.js';
import type { ReplicaRecord } from '../lab-state.js';
import type { LabEvents } from '../lifecycle-events.js';
import type { LocalContext } from '../local/local-context.js';
import { waitUntil } from '../wait-until.js';
import {
  createOptions, hostPorts, type ContainerSpec, type CreateContext,
} from './container-spec.js';
import type { DockerService } from './docker-services.js';
import { inspectOrNull, logTail, putFiles, stopAndRemove } from './lab-objects.js';

const LOG_TAIL_LINES = 20;

export interface StartContainerOptions {
  service: DockerService;
  ctx: LocalContext;
  events: LabEvents;
  signal: AbortSignal;
  create: CreateContext;
  /** Called as soon as the container exists, so an interrupt can remove it. */
  onCreated: (record: ReplicaRecord) => void;
}

export async function waitForReady(
  docker: Docker, service: DockerService, record: ReplicaRecord, ctx: LocalContext,
  events: LabEvents, signal: AbortSignal,
): Promise<void> {
  const containerId = record.containerId as string;
  let exited: string | null = null;
  const probe = async () => {
    const info = await inspectOrNull(docker, containerId);
    if (!info?.State.Running) {
      exited = `the container exited (status ${info?.State.ExitCode ?? 'unknown'})`;
      throw new Error(exited);
    }
    await service.probe(ctx, record.replica);
  };

  try {
    await waitUntil(probe, {
      what: `${record.id} on 127.0.0.1:${record.port}`,
      timeoutMs: ctx.config.readyTimeoutMs,
      intervalMs: 300,
      hint: `see \`authlab logs ${record.id}\``,
      abortReason: () => (signal.aborted ? 'interrupted' : exited),
    });
  } catch (error) {
    const reason = (error as Error).message;
    events.emit({ type: 'failed', replica: record.id, reason });
    if (signal.aborted) throw new LabError('INTERRUPTED', 'interrupted', { cause: error });
    const tail = await logTail(docker, containerId, LOG_TAIL_LINES).catch(() => '');
    throw new LabError('COMPONENT_FAILED', `${record.id} failed to start: ${reason}`, {
      cause: error,
      details: `last lines of its container log (${record.logFile}):\n${tail.trimEnd()}`,
    });
  }
}

export async function startContainer(
  docker: Docker, spec: ContainerSpec, options: StartContainerOptions,
): Promise<ReplicaRecord> {
  const { events, create } = options;
  const startedMs = Date.now();
  events.emit({ type: 'starting', replica: spec.id, detail: spec.image });

  // A container of this name left from an earlier run (exited, or created and never
  // started) is replaced: its settings may be stale.
  const stale = await inspectOrNull(docker, create.containerName);
  if (stale) await stopAndRemove(docker, stale.Id, spec.stopTimeoutS);

  const container = await docker.createContainer(createOptions(spec, create));
  const record: ReplicaRecord = {
    id: spec.id,
    service: spec.service,
    replica: spec.replica,
    port: hostPorts(spec)[0] ?? 0,
    pid: 0,
    pidStartTicks: 0,
    startedAt: new Date().toISOString(),
    logFile: `docker logs ${create.containerName}`,
    containerId: container.id,
  };
  options.onCreated(record);

  await putFiles(container, spec.files);
  try {
    await container.start();
  } catch (error) {
    throw new LabError('COMPONENT_FAILED', `${spec.id}: the engine could not start its ` +
      `container: ${(error as Error).message}`, { cause: error });
  }
  record.pid = (await container.inspect()).State.Pid;
  options.onCreated(record);

  await waitForReady(docker, options.service, record, options.ctx, events, options.signal);
  events.emit({ type: 'ready', replica: spec.id, elapsedMs: Date.now() - startedMs });
  return record;
}

/**
 * Fault injection on one replica's container: stop with its stop signal, kill with
 * SIGKILL, pause and resume through the cgroup freezer, start the same container again.
 * A stopped or killed replica keeps its container and its place in the state, held.
 */
import type Docker from 'dockerode';

import { LabError } from '../../errors.js';
import type { ReplicaRecord } from '../lab-state.js';
import type { LabEvents } from '../lifecycle-events.js';
import type { LocalContext } from '../local/local-context.js';
import type { ReplicaAction } from '../runtime.js';
import { dockerService } from './docker-services.js';
import { inspectOrNull } from './lab-objects.js';
import { waitForReady } from './start-container.js';

export interface ActionContext {
  docker: Docker;
  ctx: LocalContext;
  events: LabEvents;
  stopTimeoutS: number;
  /** Called whenever the record changed (pid, held), so the state file follows. */
  onChange: () => void;
}

async function restart(record: ReplicaRecord, container: Docker.Container, run: ActionContext) {
  run.events.emit({ type: 'starting', replica: record.id });
  const startedMs = Date.now();
  await container.start();
  record.pid = (await container.inspect()).State.Pid;
  record.startedAt = new Date().toISOString();
  delete record.held;
  run.onChange();
  await waitForReady(run.docker, dockerService(record.service), record, run.ctx, run.events,
    new AbortController().signal);
  run.events.emit({ type: 'ready', replica: record.id, elapsedMs: Date.now() - startedMs });
}

export async function actOnReplica(
  record: ReplicaRecord, action: ReplicaAction, run: ActionContext,
): Promise<void> {
  const info = record.containerId ? await inspectOrNull(run.docker, record.containerId) : null;
  if (!info || !record.containerId) {
    throw new LabError('COMPONENT_FAILED', `${record.id}'s container is gone; run ` +
      '`authlab up` to create it again');
  }
  const container = run.docker.getContainer(record.containerId);
  const { Running: running, Paused: paused } = info.State;

  switch (action) {
    case 'stop':
      if (paused) await container.unpause();
      if (running) await container.stop({ t: run.stopTimeoutS });
      record.held = 'stopped';
      break;
    case 'kill':
      if (paused) await container.unpause();
      if (running) await container.kill({ signal: 'SIGKILL' });
      await container.wait();
      record.held = 'stopped';
      break;
    case 'pause':
      if (running && !paused) await container.pause();
      record.held = 'paused';
      break;
    case 'resume':
      if (paused) await container.unpause();
      delete record.held;
      break;
    case 'start':
      if (running) return;
      await restart(record, container, run);
      return;
  }
  run.onChange();
}

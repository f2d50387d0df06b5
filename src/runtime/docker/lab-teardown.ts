/**
 * Removes every container of a lab that the engine knows by its label, newest service
 * first and, within one, the highest replica first: also containers a lost or stale state
 * file no longer lists.
 */
import type Docker from 'dockerode';

import { replicaId, type ServiceName } from '../lab-state.js';
import type { LabEvents } from '../lifecycle-events.js';
import { LABELS } from './docker-names.js';
import { DOCKER_SERVICES } from './docker-services.js';
import { labContainers, stopAndRemove } from './lab-objects.js';

const REVERSE_ORDER = DOCKER_SERVICES.map((s) => s.service).reverse();

function serviceOf(container: Docker.ContainerInfo): ServiceName {
  return (container.Labels[LABELS.service] ?? '') as ServiceName;
}

function replicaOf(container: Docker.ContainerInfo): number {
  return Number(container.Labels[LABELS.replica] ?? 0);
}

/** The replica id users know, from the labels. */
function idOf(container: Docker.ContainerInfo): string {
  const service = DOCKER_SERVICES.find((s) => s.service === serviceOf(container));
  return replicaId(serviceOf(container), replicaOf(container), service?.replicated ?? false);
}

/** Returns how many containers it removed. */
export async function removeLabContainers(
  docker: Docker, labId: string, events: LabEvents, stopTimeoutS: number,
): Promise<number> {
  const found = await labContainers(docker, labId);
  found.sort((a, b) => REVERSE_ORDER.indexOf(serviceOf(a)) - REVERSE_ORDER.indexOf(serviceOf(b))
    || replicaOf(b) - replicaOf(a));

  for (const container of found) {
    const id = idOf(container);
    events.emit({ type: 'stopping', replica: id });
    const startedMs = Date.now();
    await stopAndRemove(docker, container.Id, stopTimeoutS);
    events.emit({ type: 'stopped', replica: id, elapsedMs: Date.now() - startedMs });
  }
  return found.length;
}

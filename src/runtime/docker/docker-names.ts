/**
 * How a lab's docker objects are named and labelled. Names carry a lab id derived from the
 * lab folder, so two labs on one engine never share a container, network or volume; labels
 * let `down` find every object of a lab even when the state file is gone.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';

export const LABELS = Object.freeze({
  lab: 'dev.authlab.lab',
  labDir: 'dev.authlab.lab-dir',
  service: 'dev.authlab.service',
  replica: 'dev.authlab.replica',
});

/** "authlab-3f9c2a1b7d": stable for one lab folder, different for every other. */
export function labIdFor(labDir: string): string {
  const digest = createHash('sha256').update(resolve(labDir)).digest('hex');
  return `authlab-${digest.slice(0, 10)}`;
}

export function containerName(labId: string, replicaId: string): string {
  return `${labId}-${replicaId}`;
}

export function networkName(labId: string): string {
  return `${labId}-net`;
}

/** Volumes by purpose: "postgres", "kafka", ... */
export function volumeName(labId: string, purpose: string): string {
  return `${labId}-${purpose}`;
}

export function labLabels(labId: string, labDir: string): Record<string, string> {
  return { [LABELS.lab]: labId, [LABELS.labDir]: resolve(labDir) };
}

/** The filter the engine's list calls take to find every object of one lab. */
export function labFilter(labId: string): { label: string[] } {
  return { label: [`${LABELS.lab}=${labId}`] };
}

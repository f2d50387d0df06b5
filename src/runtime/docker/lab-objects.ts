/**
 * The engine objects of one lab: its network, its volumes and its containers, created with
 * the lab's labels and found again by them.
 */
import type Docker from 'dockerode';

import { statusCodeOf } from './engine.js';
import { labFilter } from './docker-names.js';
import type { ContainerFile } from './container-spec.js';
import { demuxLogFrames } from './log-frames.js';
import { tarBuffer } from './tar-archive.js';

/** Ignores "not found" (already gone) and "not modified" (already in that state). */
async function tolerant(action: Promise<unknown>): Promise<void> {
  try {
    await action;
  } catch (error) {
    const code = statusCodeOf(error);
    if (code !== 404 && code !== 304) throw error;
  }
}

export async function ensureNetwork(docker: Docker, name: string, labels: Record<string, string>) {
  const existing = await docker.listNetworks({ filters: { name: [name] } });
  if (existing.some((network) => network.Name === name)) return;
  await docker.createNetwork({ Name: name, Driver: 'bridge', Labels: labels,
    CheckDuplicate: true });
}

export async function ensureVolume(docker: Docker, name: string, labels: Record<string, string>) {
  try {
    await docker.getVolume(name).inspect();
  } catch (error) {
    if (statusCodeOf(error) !== 404) throw error;
    await docker.createVolume({ Name: name, Labels: labels });
  }
}

export function labContainers(docker: Docker, labId: string) {
  return docker.listContainers({ all: true, filters: labFilter(labId) });
}

export async function labNetworks(docker: Docker, labId: string) {
  return docker.listNetworks({ filters: labFilter(labId) });
}

export async function labVolumes(docker: Docker, labId: string) {
  return (await docker.listVolumes({ filters: labFilter(labId) })).Volumes ?? [];
}

export async function removeNetworks(docker: Docker, labId: string): Promise<number> {
  const networks = await labNetworks(docker, labId);
  for (const network of networks) await tolerant(docker.getNetwork(network.Id).remove());
  return networks.length;
}

export async function removeVolumes(docker: Docker, labId: string): Promise<number> {
  const volumes = await labVolumes(docker, labId);
  for (const volume of volumes) await tolerant(docker.getVolume(volume.Name).remove());
  return volumes.length;
}

/** Copies files into a container (created or running) as one archive at the root. */
export async function putFiles(container: Docker.Container, files: ContainerFile[]) {
  if (files.length === 0) return;
  const archive = tarBuffer(files.map((file) => ({
    path: file.path.replace(/^\/+/, ''), content: Buffer.from(file.content, 'utf8'),
    mode: file.mode ?? 0o644,
  })));
  await container.putArchive(archive, { path: '/' });
}

export async function inspectOrNull(docker: Docker, id: string) {
  try {
    return await docker.getContainer(id).inspect();
  } catch (error) {
    if (statusCodeOf(error) === 404) return null;
    throw error;
  }
}

/**
 * Stops a container with its own stop signal and timeout, then removes it with its
 * anonymous volumes (images declare VOLUMEs the lab does not name; they must not pile up).
 */
export async function stopAndRemove(docker: Docker, id: string, timeoutS: number) {
  const container = docker.getContainer(id);
  const info = await inspectOrNull(docker, id);
  if (!info) return;
  if (info.State.Paused) await tolerant(container.unpause());
  if (info.State.Running) await tolerant(container.stop({ t: timeoutS }));
  await tolerant(container.remove({ v: true, force: true }));
}

export async function logTail(docker: Docker, id: string, lines: number): Promise<string> {
  const raw = await docker.getContainer(id).logs({
    stdout: true, stderr: true, tail: lines, follow: false,
  }) as unknown as Buffer;
  return demuxLogFrames(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw)));
}

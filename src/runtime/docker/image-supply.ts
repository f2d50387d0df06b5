/**
 * Makes the lab's images present on the engine: pulls what is missing (with progress as
 * lifecycle steps) and builds the lab-services image from this repository when its code
 * changed. Nothing is pulled that is already there, so an offline engine with the images
 * loaded works.
 */
import type Docker from 'dockerode';

import { LabError, describeError } from '../../errors.js';
import type { LabEvents } from '../lifecycle-events.js';
import { labServicesContext } from './build-context.js';
import { chooseImages, type ImageName } from './images.js';
import { statusCodeOf } from './engine.js';
import { tarStream } from './tar-archive.js';

const PROGRESS_EVERY_MS = 2000;

interface ProgressEvent {
  id?: string;
  status?: string;
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
  progressDetail?: { current?: number; total?: number };
}

export async function imagePresent(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (error) {
    if (statusCodeOf(error) === 404) return false;
    throw error;
  }
}

/** Follows a pull or build stream to its end; an error event in it rejects. */
function follow(docker: Docker, stream: NodeJS.ReadableStream,
  onEvent: (event: ProgressEvent) => void): Promise<ProgressEvent[]> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null, events: ProgressEvent[]) => {
      const failed = events?.find((event) => event.error || event.errorDetail);
      if (error) reject(error);
      else if (failed) reject(new Error(failed.errorDetail?.message ?? failed.error));
      else resolve(events);
    }, onEvent);
  });
}

/** Layer byte counts summed over the pull, reported every few seconds. */
function pullReporter(image: string, events: LabEvents): (event: ProgressEvent) => void {
  const layers = new Map<string, { current: number; total: number }>();
  let lastMs = 0;
  return (event) => {
    if (event.id && event.progressDetail?.total) {
      layers.set(event.id, {
        current: event.progressDetail.current ?? 0, total: event.progressDetail.total,
      });
    }
    const nowMs = Date.now();
    if (nowMs - lastMs < PROGRESS_EVERY_MS || layers.size === 0) return;
    lastMs = nowMs;
    let current = 0;
    let total = 0;
    for (const layer of layers.values()) {
      current += layer.current;
      total += layer.total;
    }
    const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
    events.emit({ type: 'step',
      message: `pulling ${image}: ${mib(current)} of ${mib(total)} MiB (${layers.size} layers)` });
  };
}

export async function ensureImage(docker: Docker, image: string, events: LabEvents) {
  if (await imagePresent(docker, image)) return;
  events.emit({ type: 'step', message: `pulling ${image}` });
  try {
    const stream = await docker.pull(image);
    await follow(docker, stream, pullReporter(image, events));
  } catch (error) {
    throw new LabError('UNAVAILABLE', `could not pull ${image}: ${describeError(error)}; ` +
      'check that the engine reaches its registry, pull the image yourself, or name another ' +
      'one in the `images:` override map', { cause: error });
  }
  events.emit({ type: 'step', message: `pulled ${image}` });
}

export const LAB_SERVICES_REPOSITORY = 'authlab-lab-services';

/**
 * Builds (once per code change) the image auth and profile run; returns its tag. The tag
 * carries a digest of what went in, so an unchanged repository reuses the image.
 */
export async function ensureLabServicesImage(
  docker: Docker, baseImage: string, labels: Record<string, string>, events: LabEvents,
): Promise<string> {
  const context = labServicesContext(baseImage);
  const tag = `${LAB_SERVICES_REPOSITORY}:${context.digest}`;
  if (await imagePresent(docker, tag)) return tag;

  await ensureImage(docker, baseImage, events);
  events.emit({ type: 'step', message: `building ${tag} (auth, profile) on ${baseImage}` });
  const output: string[] = [];
  try {
    const stream = await docker.buildImage(tarStream(context.entries), {
      t: tag,
      buildargs: { NODE_IMAGE: baseImage },
      labels,
      rm: true,
      forcerm: true,
    });
    await follow(docker, stream, (event) => {
      if (event.stream) output.push(event.stream.trimEnd());
    });
  } catch (error) {
    throw new LabError('COMPONENT_FAILED', `building ${tag} failed: ${describeError(error)}`,
      { cause: error, details: output.slice(-15).join('\n') });
  }
  events.emit({ type: 'step', message: `built ${tag}` });
  return tag;
}

export interface SuppliedImages {
  images: Record<ImageName, string>;
  /** The image auth and profile run; empty when neither is to start. */
  labServicesImage: string;
}

/** Every image these services need, present on the engine: pulled, or built for auth/profile. */
export async function supplyImages(
  docker: Docker, overrides: Readonly<Record<string, string>>,
  services: ReadonlyArray<{ service: string; labImage: boolean }>,
  labels: Record<string, string>, events: LabEvents,
): Promise<SuppliedImages> {
  const choice = chooseImages(overrides);
  for (const { service } of services.filter((s) => !s.labImage)) {
    await ensureImage(docker, choice.images[service as ImageName], events);
  }
  if (!services.some((s) => s.labImage)) {
    return { images: choice.images, labServicesImage: choice.labServices ?? '' };
  }
  if (choice.labServices) {
    await ensureImage(docker, choice.labServices, events);
    return { images: choice.images, labServicesImage: choice.labServices };
  }
  const built = await ensureLabServicesImage(docker, choice.images.node, labels, events);
  return { images: choice.images, labServicesImage: built };
}

/**
 * Which image each part of the stack runs: the versions pinned in stacks/docker/images.yaml,
 * overridden per lab by the config's `images:` mapping or the file AUTHLAB_IMAGES names.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

import { badInput, LabError } from '../../errors.js';
import { stacksDir } from '../../paths.js';

export const IMAGE_NAMES = [
  'postgres', 'redis', 'kafka', 'connect', 'mongo', 'nginx', 'prometheus', 'grafana', 'node',
] as const;

export type ImageName = (typeof IMAGE_NAMES)[number];

export interface ImageChoice {
  /** Official images, by name. */
  pinned: Record<ImageName, string>;
  /** What this lab runs: the pinned images with the user's overrides applied. */
  images: Record<ImageName, string>;
  /** A ready-built image for auth and profile; when absent, authlab builds one. */
  labServices: string | null;
  /** The names the user overrode, for run records and messages. */
  overridden: string[];
}

export function imagesFile(): string {
  return join(stacksDir(), 'docker', 'images.yaml');
}

export function readPinnedImages(path = imagesFile()): Record<ImageName, string> {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new LabError('INTERNAL', `cannot read the pinned images in ${path}`, { cause: error });
  }
  const table = (parsed ?? {}) as Record<string, unknown>;
  const missing = IMAGE_NAMES.filter((name) => typeof table[name] !== 'string');
  if (missing.length > 0) {
    throw new LabError('INTERNAL', `${path} pins no image for ${missing.join(', ')}`);
  }
  return Object.fromEntries(IMAGE_NAMES.map((name) => [name, table[name]])) as
    Record<ImageName, string>;
}

export function chooseImages(
  overrides: Readonly<Record<string, string>>,
  pinned = readPinnedImages(),
): ImageChoice {
  const known = [...IMAGE_NAMES, 'lab-services'];
  for (const name of Object.keys(overrides)) {
    if (!known.includes(name)) {
      throw badInput(`images: unknown name "${name}"; known: ${known.join(', ')}`);
    }
  }
  const images = { ...pinned };
  for (const name of IMAGE_NAMES) {
    const override = overrides[name];
    if (override !== undefined) images[name] = override;
  }
  return {
    pinned,
    images,
    labServices: overrides['lab-services'] ?? null,
    overridden: Object.keys(overrides).sort(),
  };
}

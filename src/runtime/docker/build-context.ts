/**
 * The build context of the lab-services image: the Dockerfile, package.json, the compiled
 * dist/src and the production node_modules of the package as installed, so the image holds
 * exactly the code `authlab` itself runs and the build needs no network.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

import { LabError } from '../../errors.js';
import { packageDir, stacksDir } from '../../paths.js';
import type { TarEntry } from './tar-archive.js';

/** Regular files under a folder, depth first, skipping symbolic links (e.g. node_modules/.bin). */
function* filesUnder(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else if (entry.isFile()) yield path;
  }
}

/**
 * Top-level packages the service needs at run time. package-lock.json marks dev-only ones;
 * without a lock file (an installed copy), every package except the compiler and types.
 */
export function productionPackages(root: string): string[] {
  const modules = join(root, 'node_modules');
  const lockPath = join(root, 'package-lock.json');
  if (existsSync(lockPath)) {
    const lock = JSON.parse(readFileSync(lockPath, 'utf8')) as {
      packages?: Record<string, { dev?: boolean }>;
    };
    return Object.entries(lock.packages ?? {})
      .filter(([key, info]) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(key) && !info.dev)
      .map(([key]) => key.slice('node_modules/'.length))
      .filter((name) => existsSync(join(modules, name)))
      .sort();
  }
  return readdirSync(modules).flatMap((name) => name.startsWith('@')
    ? readdirSync(join(modules, name)).map((inner) => `${name}/${inner}`) : [name])
    .filter((name) => name !== 'typescript' && !name.startsWith('@types/') && name !== '.bin')
    .sort();
}

export function dockerfilePath(): string {
  return join(stacksDir(), 'docker', 'lab-services.Dockerfile');
}

export interface BuildContext {
  entries: TarEntry[];
  /** Changes whenever the image would: code, packages, Dockerfile or base image. */
  digest: string;
}

export function labServicesContext(baseImage: string, root = packageDir()): BuildContext {
  const dist = join(root, 'dist', 'src');
  if (!existsSync(join(dist, 'services', 'auth', 'main.js'))) {
    throw new LabError('NOT_INSTALLED', `the compiled services are missing under ${dist}; ` +
      'run `npm run build` first');
  }

  const hash = createHash('sha256').update(baseImage).update('\0');
  const entries: TarEntry[] = [];
  const add = (path: string, inArchive = relative(root, path)) => {
    entries.push({ path: inArchive, content: { file: path }, mode: 0o644 });
  };

  hash.update(readFileSync(dockerfilePath()));
  add(dockerfilePath(), 'Dockerfile');
  hash.update(readFileSync(join(root, 'package.json')));
  add(join(root, 'package.json'));
  const lock = join(root, 'package-lock.json');
  if (existsSync(lock)) hash.update(readFileSync(lock));

  for (const file of filesUnder(dist)) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file));
    add(file);
  }
  for (const name of productionPackages(root)) {
    const dir = join(root, 'node_modules', name);
    if (!lstatSync(dir).isDirectory()) continue;
    for (const file of filesUnder(dir)) add(file);
  }
  return { entries, digest: hash.digest('hex').slice(0, 12) };
}

/**
 * Where the local runtime finds each installed program, and a clear error when one is
 * missing: what is missing and the command that installs it.
 */
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

import { LabError } from '../../errors.js';

export function findOnPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

export function requireOnPath(name: string, installHint: string): string {
  const found = findOnPath(name);
  if (!found) {
    throw new LabError('MISSING_TOOL', `${name} is not installed or not on PATH; ${installHint}`);
  }
  return found;
}

/** Debian keeps each PostgreSQL major in /usr/lib/postgresql/N/bin: take the newest. */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root).filter((name) => /^\d+$/.test(name)).map(Number).sort((a, b) => b - a)
    : [];
  for (const major of majors) {
    const dir = join(root, String(major), 'bin');
    if (existsSync(join(dir, 'postgres'))) return dir;
  }
  throw new LabError('NOT_INSTALLED',
    'PostgreSQL server binaries are not in /usr/lib/postgresql/*/bin; run `authlab install`');
}

export function jarsDir(cacheDir: string, set: 'kafka' | 'connect'): string {
  const dir = join(cacheDir, 'jars', set);
  if (!existsSync(dir) || readdirSync(dir).length === 0) {
    throw new LabError('NOT_INSTALLED', `the ${set} jars are not in ${dir}; run \`authlab install\``);
  }
  return dir;
}

export function ferretDbBinary(cacheDir: string): string {
  const path = join(cacheDir, 'bin', 'authlab-ferretdb');
  if (!existsSync(path)) {
    throw new LabError('NOT_INSTALLED', `FerretDB is not built at ${path}; run \`authlab install\``);
  }
  return path;
}

/** The replication-lag watcher that reads FerretDB's storage (built with FerretDB). */
export function visibilityBinary(cacheDir: string): string {
  const path = join(cacheDir, 'bin', 'authlab-visibility');
  if (!existsSync(path)) {
    throw new LabError('NOT_INSTALLED',
      `the visibility watcher is not built at ${path}; run \`authlab install\``);
  }
  return path;
}

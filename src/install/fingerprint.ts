/**
 * Install steps are skipped when their inputs did not change: each output folder keeps a
 * marker with a hash of the files that produced it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** By file name and content, not full path: two clones of the repo share one cache. */
export function fingerprintFiles(paths: string[]): string {
  const hash = createHash('sha256');
  for (const path of paths) hash.update(basename(path)).update(readFileSync(path));
  return hash.digest('hex').slice(0, 16);
}

const MARKER = '.authlab-installed';

export function isUpToDate(outputDir: string, fingerprint: string): boolean {
  const marker = join(outputDir, MARKER);
  return existsSync(marker) && readFileSync(marker, 'utf8').trim() === fingerprint;
}

export function markUpToDate(outputDir: string, fingerprint: string): void {
  writeFileSync(join(outputDir, MARKER), `${fingerprint}\n`);
}

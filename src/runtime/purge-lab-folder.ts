/**
 * Deletes what a lab put in its folder, and nothing else. A lab folder is whatever the user
 * points --lab-dir at, so `down --purge` with a mistyped folder (".", the home folder, a
 * project) must never delete files the lab did not make: only the entries a lab creates
 * are removed, then the folder itself if that left it empty.
 */
import { existsSync, readdirSync, rmSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';

import { LabError } from '../errors.js';

/** Everything a lab writes at the top of its folder. */
export const LAB_ENTRIES = ['state.json', 'secrets.json', 'config', 'logs', 'data'] as const;

export function isLabFolder(dir: string): boolean {
  return existsSync(join(dir, 'state.json')) || existsSync(join(dir, 'secrets.json'));
}

export function purgeLabFolder(dir: string): void {
  if (!existsSync(dir)) return;
  if (!isLabFolder(dir)) {
    throw new LabError('BAD_INPUT', `${dir} is not a lab folder (no state.json or ` +
      'secrets.json); nothing was removed. Check --lab-dir / AUTHLAB_LAB_DIR');
  }
  for (const entry of LAB_ENTRIES) rmSync(join(dir, entry), { recursive: true, force: true });
  // Leftover temporary state files of an interrupted write.
  for (const entry of readdirSync(dir)) {
    if (entry.startsWith('state.json.tmp-') || entry === 'authlab.lock') {
      rmSync(join(dir, entry), { force: true });
    }
  }
  if (readdirSync(dir).length === 0) rmdirSync(dir);
}

/**
 * One command at a time changes a lab: `up`, `scale`, `replica` and `down` hold a lock file
 * in the lab folder. A second one fails at once with who holds it, instead of racing the
 * first for ports and the state file. A lock left by a process that died is taken over.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { LabError } from '../errors.js';
import { isOurProcessAlive, processStartTicks } from './local/process-supervisor.js';
import { isLabFolder } from './purge-lab-folder.js';

export const LOCK_FILE = 'authlab.lock';

interface LockOwner {
  pid: number;
  pidStartTicks: number;
  command: string;
}

function tryCreate(path: string, owner: LockOwner): boolean {
  try {
    writeFileSync(path, JSON.stringify(owner), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** The lock's owner, or null when the file is not a lock this module wrote. */
function readOwner(path: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    const valid = Number.isSafeInteger(owner.pid) && typeof owner.command === 'string' &&
      typeof owner.pidStartTicks === 'number';
    return valid ? owner as LockOwner : null;
  } catch {
    return null;
  }
}

/**
 * Runs body holding the lab's lock. A folder that holds no lab needs none (only `up` makes
 * one), so a command pointed at the wrong folder never touches its files.
 */
export async function withLabLock<T>(labDir: string, command: string, body: () => Promise<T>) {
  if (command === 'up') mkdirSync(labDir, { recursive: true });
  else if (!isLabFolder(labDir)) return body();
  const path = join(labDir, LOCK_FILE);
  const owner = { pid: process.pid, pidStartTicks: processStartTicks(process.pid) ?? -1, command };

  if (!tryCreate(path, owner)) {
    const holder = readOwner(path);
    if (!holder) {
      throw new LabError('BAD_INPUT', `${path} exists and is not an authlab lock; move it ` +
        'away or choose another lab folder');
    }
    if (isOurProcessAlive(holder.pid, holder.pidStartTicks)) {
      throw new LabError('BUSY', `another authlab command (\`${holder.command}\`, pid ` +
        `${holder.pid}) is changing this lab; wait for it to finish`);
    }
    // Its owner died without cleaning up: take it over.
    rmSync(path, { force: true });
    if (!tryCreate(path, owner)) {
      throw new LabError('BUSY', 'another authlab command just took this lab; try again');
    }
  }

  try {
    return await body();
  } finally {
    rmSync(path, { force: true });
  }
}

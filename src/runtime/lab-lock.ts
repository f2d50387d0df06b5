/**
 * One command at a time changes a lab: `up`, `scale`, `replica` and `down` hold a lock file
 * in the lab folder. A second one fails at once with who holds it, instead of racing the
 * first for ports and the state file. A lock left by a process that died is taken over.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { LabError } from '../errors.js';
import { isOurProcessAlive, processStartTicks } from './local/process-supervisor.js';

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

function readOwner(path: string): LockOwner | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
  } catch {
    return null;
  }
}

/** Runs body holding the lab's lock; a lab folder that does not exist yet needs none. */
export async function withLabLock<T>(labDir: string, command: string, body: () => Promise<T>) {
  if (command === 'up') mkdirSync(labDir, { recursive: true });
  if (!existsSync(labDir)) return body();
  const path = join(labDir, 'lock');
  const owner = { pid: process.pid, pidStartTicks: processStartTicks(process.pid) ?? -1, command };

  if (!tryCreate(path, owner)) {
    const holder = readOwner(path);
    if (holder && isOurProcessAlive(holder.pid, holder.pidStartTicks)) {
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

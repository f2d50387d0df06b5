/**
 * Starts lab processes detached (each in its own session, so a terminal's Ctrl-C reaches
 * only `authlab` itself, which then stops what it started) and stops them by pid.
 *
 * A pid alone is not an identity: after a reboot or a long time the kernel may hand the
 * same number to another program. Every record therefore keeps the process's start time
 * from /proc, and nothing is signalled unless both match.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readdirSync } from 'node:fs';

import { LabError } from '../../errors.js';

export interface LaunchSpec {
  file: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  logFile: string;
  uid?: number;
  gid?: number;
}

export interface Launched {
  pid: number;
  pidStartTicks: number;
}

export function processStartTicks(pid: number): number | null {
  const path = `/proc/${pid}/stat`;
  if (!existsSync(path)) return null;
  try {
    const stat = readFileSync(path, 'utf8');
    // Field 2 (comm) may contain spaces and parentheses: parse after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[19]);
  } catch {
    return null;
  }
}

function processState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? null;
  } catch {
    return null;
  }
}

/** True while the very process we started exists and is not a zombie. */
export function isOurProcessAlive(pid: number, startTicks: number): boolean {
  if (processStartTicks(pid) !== startTicks) return false;
  return processState(pid) !== 'Z';
}

export function launch(spec: LaunchSpec): Promise<Launched> {
  const logFd = openSync(spec.logFile, 'a');
  try {
    const child = spawn(spec.file, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ['ignore', logFd, logFd],
      uid: spec.uid,
      gid: spec.gid,
    });

    return new Promise((resolve, reject) => {
      child.once('error', (error) => {
        reject(new LabError('COMPONENT_FAILED', `cannot start ${spec.file}: ${error.message}`, {
          cause: error,
        }));
      });
      child.once('spawn', () => {
        const pid = child.pid as number;
        child.unref();
        resolve({ pid, pidStartTicks: processStartTicks(pid) ?? -1 });
      });
    });
  } finally {
    closeSync(logFd);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

export interface StopOptions {
  /** Postgres wants SIGINT (fast shutdown); SIGTERM would wait for every client. */
  signal: NodeJS.Signals;
  timeoutMs: number;
}

/**
 * Asks the process to stop, waits, then kills its whole process group (the JVMs and
 * Postgres have children of their own). Resolves true if it had to kill.
 */
export async function stopProcess(pid: number, startTicks: number, options: StopOptions) {
  if (!isOurProcessAlive(pid, startTicks)) return false;
  signal(pid, options.signal);

  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    if (!isOurProcessAlive(pid, startTicks)) return false;
    await sleep(50);
  }

  // The group id is the pid: the process was started as a session leader.
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    signal(pid, 'SIGKILL');
  }
  while (isOurProcessAlive(pid, startTicks)) await sleep(50);
  return true;
}

export function signalProcess(pid: number, startTicks: number, name: NodeJS.Signals): boolean {
  if (!isOurProcessAlive(pid, startTicks) && name !== 'SIGCONT') return false;
  signal(pid, name);
  return true;
}

/** Direct children of a process (nginx's workers), from /proc. */
export function childPids(parentPid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === parentPid) children.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}

export function tailOfFile(path: string, lines = 20): string {
  if (!existsSync(path)) return `(no log at ${path})`;
  const text = readFileSync(path, 'utf8').trimEnd();
  return text.split('\n').slice(-lines).join('\n');
}

/**
 * One real auth replica process for end-to-end tests: `node dist/src/services/auth/main.js`
 * with AUTHLAB_* variables, waited on until /readyz answers 200.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

import { freePort } from './pg-redis.js';
import { track } from './reaper.js';

export const AUTH_MAIN = fileURLToPath(
  new URL('../../src/services/auth/main.js', import.meta.url),
);

export interface AuthReplica {
  url: string;
  pid: number;
  /** Every line the replica wrote to stdout and stderr so far. */
  output(): string;
  /** Sends `signal` and resolves with the exit code (SIGKILL after `timeoutMs`). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

export interface ReplicaOptions {
  pgUrl: string;
  redisUrl: string;
  jwtSecret: string;
  replica?: string;
  /** Extra AUTHLAB_* variables, e.g. { AUTHLAB_STALL_MS: '1500' }. */
  env?: Record<string, string>;
}

const READY_TIMEOUT_MS = 20_000;

/** Runs main.js with exactly `env` (plus PATH) and resolves when it exits. */
export function runAuthMain(env: Record<string, string>) {
  const child = track(
    spawn(process.execPath, [AUTH_MAIN], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, exit, output: () => stdout + stderr };
}

export async function startAuthReplica(options: ReplicaOptions): Promise<AuthReplica> {
  const port = await freePort();
  const { child, exit, output } = runAuthMain({
    AUTHLAB_REPLICA: options.replica ?? 'auth-test',
    AUTHLAB_HTTP_PORT: String(port),
    AUTHLAB_PG_URL: options.pgUrl,
    AUTHLAB_REDIS_URL: options.redisUrl,
    AUTHLAB_JWT_SECRET: options.jwtSecret,
    AUTHLAB_BCRYPT_COST: '4',
    ...options.env,
  });
  const url = `http://127.0.0.1:${port}`;

  const stop = async (signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const { code } = await exit;
    clearTimeout(timer);
    return code;
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const status = await fetch(`${url}/readyz`).then((res) => res.status, () => 0);
    if (status === 200) return { url, pid: child.pid ?? -1, output, stop };
    await sleep(100);
  }
  await stop('SIGKILL');
  throw new Error(`auth replica not ready after ${READY_TIMEOUT_MS} ms; output:\n${output()}`);
}

/**
 * A throwaway FerretDB (SQLite backend) for end-to-end tests: a random loopback port, a fresh
 * temp directory, stopped by its pid. Each call is its own server, so tests never share state.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

import { LabError } from '../../src/errors.js';
import { waitUntil } from '../../src/runtime/wait-until.js';

export interface RunningFerretDb {
  /** mongodb://127.0.0.1:PORT/ */
  url: string;
  port: number;
  stop(): Promise<void>;
}

const BINARY = join(homedir(), '.cache', 'authlab', 'bin', 'authlab-ferretdb');
const READY_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 5_000;

export async function startFerretDb(): Promise<RunningFerretDb> {
  if (!existsSync(BINARY)) {
    throw new LabError('NOT_INSTALLED', `FerretDB is not built at ${BINARY}; build it with: ` +
      `cd stacks/local/ferretdb && go build -o ${BINARY} .`);
  }

  const dataDir = await mkdtemp(join(tmpdir(), 'authlab-ferretdb-'));
  const port = await freeLoopbackPort();
  const args = ['--listen-addr', `127.0.0.1:${port}`, '--sqlite-url', `file:${dataDir}/`];
  const child = spawn(BINARY, args, { stdio: ['ignore', 'ignore', 'pipe'] });

  let stderrTail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-2000);
  });

  try {
    await waitUntil(() => tryConnect(port), {
      what: `ferretdb on 127.0.0.1:${port}`,
      timeoutMs: READY_TIMEOUT_MS,
      intervalMs: 50,
      abortReason: () => exitReason(child, stderrTail),
    });
  } catch (error) {
    await stopChild(child);
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }

  return {
    url: `mongodb://127.0.0.1:${port}/`,
    port,
    stop: async () => {
      await stopChild(child);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function exitReason(child: ChildProcess, stderrTail: string): string | null {
  if (child.exitCode === null && child.signalCode === null) return null;
  return `exited (${child.exitCode ?? child.signalCode}): ${stderrTail.trim()}`;
}

/** SIGTERM by pid, SIGKILL after a grace period; resolves once the process is gone. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
  }, STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

/**
 * Asks the kernel for a free port and releases it. Another process could take it before
 * FerretDB binds; the readiness wait then fails fast because the child exits.
 */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function tryConnect(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}

/**
 * A throwaway PostgreSQL 15 and Redis for end-to-end tests, on random loopback ports, with
 * the lab's schema applied. Tests run as root and postgres refuses to run as root, so
 * initdb and postgres run as the `postgres` OS user (spawn's uid/gid); Redis reads its
 * config, password included, from stdin so the password never shows in `ps`.
 *
 * The lab's own runtime may replace this fixture later; keep the interface small.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { Redis } from 'ioredis';
import pg from 'pg';

import { track } from './reaper.js';

export type Component = 'postgres' | 'redis';

export interface PgRedis {
  pgUrl: string;
  redisUrl: string;
  /**
   * Fault hook: stops one component by pid and waits for it to exit. Postgres keeps its
   * data; Redis has no persistence, so its keys are gone when it comes back.
   */
  stopComponent(name: Component): Promise<void>;
  /** Starts a stopped component again on the same port, with the same password. */
  startComponent(name: Component): Promise<void>;
  /** Stops both by pid and deletes their files. */
  stop(): Promise<void>;
}

const PG_BIN = '/usr/lib/postgresql/15/bin';
const SCHEMA = new URL('../../../stacks/sql/schema.sql', import.meta.url);
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;


function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) {
    throw new Error('no `postgres` OS user; install the Debian postgresql-15 package');
  }
  return { uid: Number(uid), gid: Number(gid) };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port assigned');
  return address.port;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve(child.exitCode);
  }
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited(child);
  clearTimeout(timer);
}

async function waitFor(what: string, logPath: string, check: () => Promise<void>) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await check();
    } catch (error) {
      lastError = error;
      await sleep(100);
    }
  }
  // The files go when the fixture stops, so the message carries the log's tail.
  const tail = readFileSync(logPath, 'utf8').slice(-1500);
  throw new Error(`${what} not ready after ${READY_TIMEOUT_MS} ms; its log ends:\n${tail}`, {
    cause: lastError,
  });
}

async function runAs(user: { uid: number; gid: number }, command: string, args: string[]) {
  const child = track(spawn(command, args, { ...user, stdio: ['ignore', 'ignore', 'pipe'] }));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await exited(child);
  if (code !== 0) throw new Error(`${command} exited ${code}: ${stderr.trim()}`);
}

interface PostgresServer {
  url: string;
  logPath: string;
  /** Starts the server process on the existing data folder and port. */
  spawn(): ChildProcess;
}

/** initdb as the postgres user, into `root`/pg, with a random password and a free port. */
async function initPostgres(root: string): Promise<PostgresServer> {
  const user = postgresUser();
  const dir = join(root, 'pg');
  mkdirSync(dir, { mode: 0o700 });
  chownSync(dir, user.uid, user.gid);
  const password = randomBytes(12).toString('hex');
  const pwFile = join(dir, 'pwfile');
  writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  chownSync(pwFile, user.uid, user.gid);

  const dataDir = join(dir, 'data');
  await runAs(user, join(PG_BIN, 'initdb'), [
    ...['-D', dataDir, '-U', 'authlab', `--pwfile=${pwFile}`],
    ...['-A', 'scram-sha-256', '-E', 'UTF8', '--no-locale', '--no-sync'],
  ]);

  const port = await freePort();
  const logPath = join(root, 'postgres.log');
  const settings = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: dir,
    // Throwaway data: durability costs time and buys nothing here.
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
  };
  const args = ['-D', dataDir, '-p', String(port)];
  for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);

  return {
    url: `postgres://authlab:${password}@127.0.0.1:${port}/authlab`,
    logPath,
    spawn: () => {
      const log = openSync(logPath, 'a');
      const stdio: ['ignore', number, number] = ['ignore', log, log];
      return track(spawn(join(PG_BIN, 'postgres'), args, { ...user, stdio }));
    },
  };
}

async function waitForPostgres(url: string, logPath: string): Promise<void> {
  await waitFor('postgres', logPath, async () => {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('SELECT 1');
    } finally {
      await client.end().catch(() => {});
    }
  });
}

/** Creates the authlab database and applies the lab's schema. */
async function createSchema(url: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url.replace(/\/authlab$/, '/postgres') });
  await admin.connect();
  await admin.query('CREATE DATABASE authlab');
  await admin.end();

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(readFileSync(SCHEMA, 'utf8'));
  await client.end();
}

function spawnRedis(root: string, port: number, password: string): ChildProcess {
  const log = openSync(join(root, 'redis.log'), 'a');
  const child = track(spawn('redis-server', ['-'], { stdio: ['pipe', log, log] }));
  const config = [
    `port ${port}`,
    'bind 127.0.0.1',
    'save ""',
    'appendonly no',
    `dir ${root}`,
    `requirepass ${password}`,
  ];
  child.stdin?.end(`${config.join('\n')}\n`);
  return child;
}

async function waitForRedis(url: string, logPath: string): Promise<void> {
  await waitFor('redis', logPath, async () => {
    const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.ping();
    } finally {
      client.disconnect();
    }
  });
}

export async function startPgRedis(): Promise<PgRedis> {
  const root = mkdtempSync(join(tmpdir(), 'authlab-pg-redis-'));
  // The postgres user must be able to enter the root to reach its own folder.
  chmodSync(root, 0o711);

  const redisPort = await freePort();
  const redisPassword = randomBytes(16).toString('hex');
  const redisUrl = `redis://:${redisPassword}@127.0.0.1:${redisPort}/0`;
  const redisLog = join(root, 'redis.log');

  const children: Partial<Record<Component, ChildProcess>> = {};
  // SIGINT is Postgres's "fast" shutdown: abort sessions, stop at once.
  const stopSignal: Record<Component, NodeJS.Signals> = { postgres: 'SIGINT', redis: 'SIGTERM' };
  const stopComponent = async (name: Component) => {
    const child = children[name];
    if (child) await stopChild(child, stopSignal[name]);
  };
  const stop = async () => {
    await Promise.all([stopComponent('redis'), stopComponent('postgres')]);
    rmSync(root, { recursive: true, force: true });
  };

  try {
    const postgres = await initPostgres(root);
    const starters: Record<Component, () => Promise<void>> = {
      postgres: async () => {
        children.postgres = postgres.spawn();
        await waitForPostgres(postgres.url.replace(/\/authlab$/, '/postgres'), postgres.logPath);
      },
      redis: async () => {
        children.redis = spawnRedis(root, redisPort, redisPassword);
        await waitForRedis(redisUrl, redisLog);
      },
    };
    await Promise.all([starters.postgres(), starters.redis()]);
    await createSchema(postgres.url);

    return {
      pgUrl: postgres.url,
      redisUrl,
      stop,
      stopComponent,
      startComponent: (name) => starters[name](),
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

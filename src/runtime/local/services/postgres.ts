/**
 * PostgreSQL from Debian's packages, with its own data folder and `wal_level=logical` so
 * Debezium can stream its changes. Postgres refuses to run as root: when authlab runs as
 * root, the server runs as the `postgres` OS user that the Debian package creates.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

import { LabError } from '../../../errors.js';
import { PG_DATABASE, PG_USER } from '../../../stack/endpoints.js';
import { stacksDir } from '../../../paths.js';
import { POSTGRES_SERVER_ARGS } from '../../../stack/postgres-settings.js';
import { postgresAnswers } from '../../probes.js';
import { postgresBinDir } from '../installed-tools.js';
import { baseEnvironment, type LocalContext, type LocalService } from '../local-context.js';

interface OsUser {
  uid: number;
  gid: number;
}

function postgresOsUser(): OsUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) {
    throw new LabError('NOT_INSTALLED', 'authlab runs as root, and PostgreSQL will not: the ' +
      '`postgres` OS user (created by Debian\'s postgresql package) is missing; run `authlab install`');
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * Where the data folder can live. As root, the `postgres` user must be able to reach it;
 * a lab folder below a private home (e.g. /root) is out of its reach, so the data then goes
 * to /var/lib/authlab, and the lab state remembers where.
 */
export function choosePostgresDataDir(labDataDir: string, labId: string): string {
  const user = postgresOsUser();
  const inLab = join(labDataDir, 'postgres');
  if (!user) return inLab;
  const reachable = spawnSync('test', ['-x', labDataDir], { uid: user.uid, gid: user.gid });
  return reachable.status === 0 ? inLab : join('/var/lib/authlab', labId, 'postgres');
}

function initialise(ctx: LocalContext, user: OsUser | undefined): void {
  const dataDir = ctx.postgresDataDir;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (user) chownSync(dataDir, user.uid, user.gid);

  // initdb reads the superuser password from a file; it must be readable by that user only.
  const passwordFile = join(ctx.dirs.config, 'postgres-initdb-password');
  writeFileSync(passwordFile, `${ctx.secrets.pgPassword}\n`, { mode: 0o600 });
  if (user) chownSync(passwordFile, user.uid, user.gid);

  try {
    const result = spawnSync(join(postgresBinDir(), 'initdb'), [
      '-D', dataDir, '-U', PG_USER, `--pwfile=${passwordFile}`,
      '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C', '--no-instructions',
    ], { uid: user?.uid, gid: user?.gid, encoding: 'utf8', env: baseEnvironment({}) });
    if (result.status !== 0) {
      rmSync(dataDir, { recursive: true, force: true });
      throw new LabError('COMPONENT_FAILED', 'initdb failed for the lab\'s PostgreSQL',
        { details: `${result.stdout}${result.stderr}`.trim().split('\n').slice(-15).join('\n') });
    }
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

async function createDatabaseAndSchema(ctx: LocalContext): Promise<void> {
  const admin = new pg.Client({ connectionString: ctx.endpoints.postgresAdminUrl });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [PG_DATABASE]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${PG_DATABASE}`);
  } finally {
    await admin.end();
  }

  const client = new pg.Client({ connectionString: ctx.endpoints.postgresUrl });
  await client.connect();
  try {
    await client.query(readFileSync(join(stacksDir(), 'sql', 'schema.sql'), 'utf8'));
  } finally {
    await client.end();
  }
}

export const postgresService: LocalService = {
  service: 'postgres',
  replicated: false,
  dependsOn: [],
  stopSignal: 'SIGINT',
  ports: (ctx) => [ctx.ports.postgres],

  async prepare(ctx) {
    const user = postgresOsUser();
    if (!existsSync(join(ctx.postgresDataDir, 'PG_VERSION'))) initialise(ctx, user);
  },

  launch(ctx) {
    const user = postgresOsUser();
    return {
      file: join(postgresBinDir(), 'postgres'),
      args: [
        '-D', ctx.postgresDataDir,
        '-p', String(ctx.ports.postgres),
        '-c', 'listen_addresses=127.0.0.1',
        // TCP only: no socket file to place where the postgres user may write.
        '-c', 'unix_socket_directories=',
        ...POSTGRES_SERVER_ARGS,
      ],
      env: baseEnvironment({}),
      uid: user?.uid,
      gid: user?.gid,
    };
  },

  probe: (ctx) => postgresAnswers(ctx.endpoints.postgresAdminUrl),

  async afterReady(ctx, onStep) {
    onStep('postgres: creating database and schema (idempotent)');
    await createDatabaseAndSchema(ctx);
  },
};

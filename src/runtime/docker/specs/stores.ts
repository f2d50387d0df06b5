/**
 * The lab's data stores from their official images, configured the way each image's
 * documentation says: PostgreSQL (postgres), Redis (redis), MongoDB (mongo).
 */
import { PG_DATABASE, PG_USER } from '../../../stack/endpoints.js';
import { POSTGRES_SERVER_ARGS } from '../../../stack/postgres-settings.js';
import type { ContainerSpec } from '../container-spec.js';
import { CONTAINER_PORTS, stopTimeoutS, type SpecContext } from './spec-context.js';

/**
 * postgres: POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB initialise the data folder on
 * first start; arguments after `postgres` are server settings. `wal_level=logical` lets
 * Debezium stream changes, as in the local runtime.
 */
export function postgresSpec(ctx: SpecContext): ContainerSpec {
  return {
    service: 'postgres',
    replica: 1,
    id: 'postgres',
    image: ctx.images.postgres,
    cmd: [
      'postgres',
      ...POSTGRES_SERVER_ARGS,
    ],
    env: {
      POSTGRES_USER: PG_USER,
      POSTGRES_PASSWORD: ctx.secrets.pgPassword,
      POSTGRES_DB: PG_DATABASE,
      TZ: 'UTC',
    },
    network: 'lab',
    aliases: ['postgres'],
    ports: [{ container: CONTAINER_PORTS.postgres, host: ctx.ports.postgres }],
    boundPorts: [],
    volumes: [{ purpose: 'postgres', target: '/var/lib/postgresql/data' }],
    files: [],
    healthcheck: {
      test: ['CMD', 'pg_isready', '-U', PG_USER, '-d', PG_DATABASE],
      intervalS: 10, timeoutS: 5, retries: 5, startPeriodS: 10,
    },
    // The image's own stop signal: a fast shutdown that still writes a checkpoint.
    stopSignal: 'SIGINT',
    stopTimeoutS: stopTimeoutS(ctx),
  };
}

export function redisConf(ctx: SpecContext): string {
  return [
    `port ${CONTAINER_PORTS.redis}`,
    // Inside the container: every interface of its own network namespace.
    'bind 0.0.0.0',
    'protected-mode yes',
    `requirepass ${ctx.secrets.redisPassword}`,
    'dir /data',
    'save ""',
    // Refresh tokens survive a restart of Redis, as they would in production.
    'appendonly yes',
    'appendfsync everysec',
    '',
  ].join('\n');
}

/**
 * redis: the documented way to configure it is a redis.conf passed to redis-server; the
 * password lives there rather than on the command line. REDISCLI_AUTH lets the health
 * check's redis-cli authenticate.
 */
export function redisSpec(ctx: SpecContext): ContainerSpec {
  return {
    service: 'redis',
    replica: 1,
    id: 'redis',
    image: ctx.images.redis,
    cmd: ['redis-server', '/usr/local/etc/redis/redis.conf'],
    env: { REDISCLI_AUTH: ctx.secrets.redisPassword, TZ: 'UTC' },
    network: 'lab',
    aliases: ['redis'],
    ports: [{ container: CONTAINER_PORTS.redis, host: ctx.ports.redis }],
    boundPorts: [],
    volumes: [{ purpose: 'redis', target: '/data' }],
    files: [{ path: '/usr/local/etc/redis/redis.conf', content: redisConf(ctx), mode: 0o644 }],
    healthcheck: {
      test: ['CMD', 'redis-cli', 'ping'],
      intervalS: 10, timeoutS: 5, retries: 5, startPeriodS: 5,
    },
    stopSignal: 'SIGTERM',
    stopTimeoutS: stopTimeoutS(ctx),
  };
}

/**
 * mongo: mongod listens on every interface of its container (--bind_ip_all, as the image
 * documents for networked use). No authentication, like the local runtime's FerretDB:
 * the port is published on 127.0.0.1 only. A small WiredTiger cache suits a 2-core lab.
 */
export function mongoSpec(ctx: SpecContext): ContainerSpec {
  return {
    service: 'mongo',
    replica: 1,
    id: 'mongo',
    image: ctx.images.mongo,
    cmd: ['mongod', '--bind_ip_all', '--wiredTigerCacheSizeGB', '0.25'],
    env: { TZ: 'UTC' },
    network: 'lab',
    aliases: ['mongo'],
    ports: [{ container: CONTAINER_PORTS.mongo, host: ctx.ports.mongo }],
    boundPorts: [],
    volumes: [{ purpose: 'mongo', target: '/data/db' }],
    files: [],
    healthcheck: {
      test: ['CMD', 'mongosh', '--quiet', '--eval', 'db.adminCommand("ping").ok'],
      intervalS: 10, timeoutS: 10, retries: 5, startPeriodS: 20,
    },
    stopSignal: 'SIGTERM',
    stopTimeoutS: stopTimeoutS(ctx),
  };
}

/**
 * The connections to Postgres and Redis, built so that an outage never crashes the replica
 * and never queues requests forever: both fail fast while the dependency is away (the
 * routes answer 503) and reconnect on their own when it returns.
 */
import { Redis } from 'ioredis';
import pg from 'pg';

import { describeError, type LabError } from '../../errors.js';
import { AUTH_LIMITS, type AuthConfig } from './config.js';
import type { Logger } from './log.js';
import type { AuthMetrics } from './metrics.js';

export type DependencyName = 'postgres' | 'redis';

/**
 * Logs a dependency going down or coming back once per change, not once per failed
 * request or reconnect attempt (ioredis reports every attempt).
 */
export interface DependencyState {
  up(name: DependencyName): void;
  down(name: DependencyName, error: unknown): void;
}

export function createDependencyState(log: Logger): DependencyState {
  const known = new Map<DependencyName, boolean>();
  return {
    up: (name) => {
      if (known.get(name) === true) return;
      if (known.has(name)) log.info('dependency_up', { dependency: name });
      known.set(name, true);
    },
    down: (name, error) => {
      if (known.get(name) === false) return;
      known.set(name, false);
      log.warn('dependency_down', { dependency: name, error: describeError(error) });
    },
  };
}

/** Feeds a store's outcomes into the state log and an error counter. */
export function observeDependency(
  name: DependencyName,
  state: DependencyState,
  countError: () => void,
): { answered(): void; failed(error: LabError): void } {
  return {
    answered: () => state.up(name),
    failed: (error) => {
      countError();
      if (error.code === 'UNAVAILABLE') state.down(name, error.cause ?? error);
    },
  };
}

export function createPgPool(
  config: AuthConfig,
  metrics: AuthMetrics,
  state: DependencyState,
): pg.Pool {
  const pool = new pg.Pool({
    connectionString: config.pgUrl,
    max: config.pgPoolMax,
    connectionTimeoutMillis: AUTH_LIMITS.pgConnectTimeoutMs,
    idleTimeoutMillis: AUTH_LIMITS.pgIdleTimeoutMs,
    query_timeout: AUTH_LIMITS.pgQueryTimeoutMs,
    statement_timeout: AUTH_LIMITS.pgQueryTimeoutMs,
    application_name: `authlab-${config.replica}`,
  });

  // An idle client whose server went away emits here; without a listener the process dies.
  pool.on('error', (error) => {
    metrics.countPgError();
    state.down('postgres', error);
  });
  metrics.watchPgPool(pool);
  return pool;
}

export function createRedis(
  config: AuthConfig,
  metrics: AuthMetrics,
  state: DependencyState,
): Redis {
  const redis = new Redis(config.redisUrl, {
    // Fail commands at once while disconnected instead of queueing them until Redis is back.
    enableOfflineQueue: false,
    // Never resend a command after a lost connection: a rotation that did run would be
    // replayed, see its token already rotated, and revoke the user's session as reuse.
    maxRetriesPerRequest: 0,
    commandTimeout: AUTH_LIMITS.redisCommandTimeoutMs,
    connectTimeout: AUTH_LIMITS.redisConnectTimeoutMs,
    // Keep trying forever with a short cap, so the replica recovers by itself.
    retryStrategy: (attempt) => Math.min(attempt * 100, AUTH_LIMITS.redisMaxReconnectDelayMs),
    connectionName: `authlab-${config.replica}`,
  });

  redis.on('error', (error) => {
    metrics.countRedisError();
    state.down('redis', error);
  });
  redis.on('ready', () => state.up('redis'));
  return redis;
}

export interface Readiness {
  postgres: boolean;
  redis: boolean;
}

export async function checkReadiness(
  pool: pg.Pool,
  redis: Redis,
  state: DependencyState,
): Promise<Readiness> {
  const probe = async (name: DependencyName, work: () => Promise<unknown>) => {
    try {
      await work();
      state.up(name);
      return true;
    } catch (error) {
      state.down(name, error);
      return false;
    }
  };

  const [postgres, redisUp] = await Promise.all([
    probe('postgres', () => pool.query('SELECT 1')),
    probe('redis', () => redis.ping()),
  ]);
  return { postgres, redis: redisUp };
}

/**
 * Prometheus metrics of one replica. Every series carries `replica` (a default label of the
 * registry), so Prometheus can tell replicas apart even when they share a host.
 */
import type { Pool } from 'pg';
import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
} from 'prom-client';

import type { BcryptOp } from './passwords.js';

/** Seconds; dense below 100 ms where a healthy auth request lands, up to a stalled one. */
const HTTP_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds; bcrypt cost 4 takes ~1 ms, cost 15 several seconds. */
const BCRYPT_BUCKETS_S = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface AuthMetrics {
  readonly registry: Registry;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  observeBcrypt(op: BcryptOp, seconds: number): void;
  countRedisError(): void;
  countPgError(): void;
  /** Reports the pool's connections at every scrape. */
  watchPgPool(pool: Pool): void;
}

export function createMetrics(replica: string): AuthMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ replica });
  collectDefaultMetrics({ register: registry });

  const registers = [registry];
  const requests = new Histogram({
    name: 'authlab_http_request_duration_seconds',
    help: 'HTTP request duration by route (the pattern, or "unmatched") and status',
    labelNames: ['method', 'route', 'status'],
    buckets: HTTP_BUCKETS_S,
    registers,
  });
  const bcryptTime = new Histogram({
    name: 'authlab_bcrypt_duration_seconds',
    help: 'Time spent in bcrypt, by operation (hash at signup, compare at login)',
    labelNames: ['op'],
    buckets: BCRYPT_BUCKETS_S,
    registers,
  });
  const redisErrors = new Counter({
    name: 'authlab_redis_errors_total',
    help: 'Redis connection errors and failed commands',
    registers,
  });
  const pgErrors = new Counter({
    name: 'authlab_pg_errors_total',
    help: 'Postgres pool errors and failed queries',
    registers,
  });

  return {
    registry,
    observeRequest: (method, route, status, seconds) =>
      requests.observe({ method, route, status: String(status) }, seconds),
    observeBcrypt: (op, seconds) => bcryptTime.observe({ op }, seconds),
    countRedisError: () => redisErrors.inc(),
    countPgError: () => pgErrors.inc(),

    watchPgPool: (pool) => {
      new Gauge({
        name: 'authlab_pg_pool_connections',
        help: 'Postgres pool clients: total open, idle, and requests waiting for one',
        labelNames: ['state'],
        registers,
        collect() {
          this.set({ state: 'total' }, pool.totalCount);
          this.set({ state: 'idle' }, pool.idleCount);
          this.set({ state: 'waiting' }, pool.waitingCount);
        },
      });
    },
  };
}

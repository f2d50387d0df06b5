/**
 * The load generator against real auth replicas backed by a real PostgreSQL and Redis.
 * One replica is made to stall every GET /auth/me for a known time (AUTHLAB_STALL_MS): with
 * one connection, every request scheduled behind a stalled one waits, and the open model
 * must show that wait as latency while the closed model, as wrk would, hides it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';

import { runLoad, type LoadOptions } from '../../src/load/load-generator.js';
import { parseMix } from '../../src/load/mix.js';
import { startAuthReplica, type AuthReplica } from '../support/auth-replica.js';
import { startPgRedis, type PgRedis } from '../support/pg-redis.js';

const STALL_MS = 500;

let stack: PgRedis;
let stalled: AuthReplica;
let healthy: AuthReplica;

before(async () => {
  stack = await startPgRedis();
  const common = {
    pgUrl: stack.pgUrl, redisUrl: stack.redisUrl, jwtSecret: randomBytes(32).toString('base64'),
  };
  [stalled, healthy] = await Promise.all([
    startAuthReplica({
      ...common, replica: 'auth-stall', env: { AUTHLAB_STALL_MS: String(STALL_MS) },
    }),
    startAuthReplica({ ...common, replica: 'auth-ok' }),
  ]);
});

after(async () => {
  await Promise.all([stalled?.stop(), healthy?.stop()]);
  await stack?.stop();
});

function options(replica: AuthReplica, extra: Partial<LoadOptions>): LoadOptions {
  return {
    target: { name: 'test', description: 'a test replica', origins: [replica.url] },
    model: 'open', rateHz: 100, durationS: 2, warmupS: 0.5, connections: 1,
    mix: parseMix('me=1,healthz=199'), users: 1, workers: 1, timeoutMs: 5000,
    maxRequests: 100_000, ...extra,
  };
}

test('a stall shows up in the open model\'s p99 and is hidden by the closed model', async (t) => {
  // One connection: each `me` holds it for STALL_MS, and the requests due meanwhile queue.
  // In 4 s at 100/s there are 2 stalls; 100 of 400 requests wait between 0 and STALL_MS.
  const open = (await runLoad(options(stalled, { durationS: 4 }))).summary;
  assert.equal(open.overall.errors.total, 0, JSON.stringify(open.overall.errors));
  assert.equal(open.operations.me?.requests, 2);
  const p99 = open.overall.latencyMs.p99 as number;
  assert.ok(p99 >= 0.8 * STALL_MS && p99 <= STALL_MS + 300,
    `open p99 ${p99} ms should reflect the ${STALL_MS} ms stall`);
  const healthzP99 = open.operations.healthz?.latencyMs.p99 as number;
  assert.ok(healthzP99 >= 0.7 * STALL_MS, `healthz queued behind the stall: p99 ${healthzP99}`);

  const closed = (await runLoad(options(stalled, { model: 'closed', durationS: 3 }))).summary;
  assert.ok((closed.operations.me?.requests ?? 0) >= 1, 'the closed run met the stall');
  const closedP99 = closed.overall.latencyMs.p99 as number;
  t.diagnostic(`stall ${STALL_MS} ms: open p99 ${p99} ms (healthz ${healthzP99} ms), ` +
    `closed p99 ${closedP99} ms over ${closed.overall.requests} requests`);
  assert.ok(closedP99 < STALL_MS / 5,
    `closed p99 ${closedP99} ms: coordinated omission hides the stall`);
});

test('per-operation counts add up to the total, across workers', async () => {
  const result = await runLoad(options(healthy, {
    rateHz: 40, durationS: 3, warmupS: 1, connections: 4, workers: 2, users: 4,
    mix: parseMix('signup=1,login=3,refresh=2,me=2,healthz=2'),
  }));
  const { summary, series } = result;
  const ops = summary.operations;

  assert.equal(summary.workers, 2);
  assert.equal(summary.overall.requests, 120, 'rate x duration, none lost');
  assert.equal(summary.overall.warmupRequests, 40);
  assert.deepEqual(Object.fromEntries(Object.entries(ops).map(([op, s]) => [op, s.requests])),
    { signup: 12, login: 36, refresh: 24, me: 24, healthz: 24 }, 'the mix, exactly');
  assert.equal(summary.overall.errors.total, 0, JSON.stringify(summary.overall.errors));
  const sum = (pick: (s: NonNullable<(typeof ops)['login']>) => number) =>
    Object.values(ops).reduce((total, s) => total + pick(s), 0);
  assert.equal(sum((s) => s.requests), summary.overall.requests);
  assert.equal(sum((s) => s.ok), summary.overall.ok);
  assert.equal(sum((s) => s.latencyMs.count), summary.overall.latencyMs.count);

  const perSecond = series.filter((row) => row.operation === 'all' && row.second < 3);
  const answered = perSecond.reduce((total, row) => total + row.answered, 0);
  assert.equal(answered, summary.overall.achievedRateHz * 3);
  assert.ok(Math.abs(summary.overall.achievedRateHz - 40) <= 2,
    `achieved ${summary.overall.achievedRateHz}/s of 40/s offered`);
});

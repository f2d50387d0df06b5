/**
 * Entry point of one auth replica: `node dist/src/services/auth/main.js`, configured by
 * AUTHLAB_* variables (config.ts). Wires the dependencies, listens on 127.0.0.1, logs
 * "ready" once Postgres and Redis both answer, and drains on SIGTERM/SIGINT.
 */
import type { Server } from 'node:http';

import { describeError, isLabError } from '../../errors.js';
import { createApp } from './app.js';
import { AUTH_LIMITS, loadAuthConfigFromProcess, type AuthConfig } from './config.js';
import {
  checkReadiness,
  createDependencyState,
  createPgPool,
  createRedis,
  observeDependency,
} from './dependencies.js';
import { createAuthServer } from './http-server.js';
import { createLogger, type Logger } from './log.js';
import { createMetrics } from './metrics.js';
import { createPasswordHasher } from './passwords.js';
import { createRefreshStore } from './refresh-store.js';
import { createAccessTokens } from './tokens.js';
import { createUserStore } from './user-store.js';

const READY_POLL_MS = 500;

function loadConfigOrExit(): AuthConfig {
  try {
    return loadAuthConfigFromProcess();
  } catch (error) {
    const exitCode = isLabError(error) ? error.exitCode : 1;
    process.stderr.write(`auth: ${describeError(error)}\n`);
    process.exit(exitCode);
  }
}

/** Polls until both dependencies answer once, to log a single "ready" line. */
function logWhenReady(log: Logger, probe: () => Promise<boolean>): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const poll = async () => {
    if (stopped) return;
    if (await probe()) {
      log.info('ready');
      return;
    }
    if (!stopped) timer = setTimeout(poll, READY_POLL_MS);
  };
  // The first probe waits one period: Redis connects asynchronously, and a probe in the
  // first milliseconds would log a dependency_down that is only a connection in progress.
  timer = setTimeout(poll, READY_POLL_MS);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

function listen(server: Server, config: AuthConfig, log: Logger): Promise<void> {
  return new Promise((resolve) => {
    server.once('error', (error) => {
      log.error('listen_failed', { port: config.httpPort, error: describeError(error) });
      process.exit(1);
    });
    server.listen(config.httpPort, AUTH_LIMITS.httpHost, () => {
      log.info('listening', { host: AUTH_LIMITS.httpHost, port: config.httpPort });
      resolve();
    });
  });
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger(config.replica);
  log.info('starting', { bcryptCost: config.bcryptCost, stallMs: config.stallMs });
  if (config.stallMs > 0) {
    log.warn('fault_injection', { route: '/auth/me', stallMs: config.stallMs });
  }

  const metrics = createMetrics(config.replica);
  const state = createDependencyState(log);
  const pool = createPgPool(config, metrics, state);
  const redis = createRedis(config, metrics, state);
  const readiness = () => checkReadiness(pool, redis, state);

  let draining = false;
  const app = createApp({
    log,
    metrics,
    users: createUserStore(pool, observeDependency('postgres', state, metrics.countPgError)),
    refreshTokens: createRefreshStore(
      redis,
      config.refreshTtlS,
      observeDependency('redis', state, metrics.countRedisError),
    ),
    passwords: await createPasswordHasher(config.bcryptCost, metrics.observeBcrypt),
    accessTokens: createAccessTokens(config),
    stallMs: config.stallMs,
    readiness,
    isDraining: () => draining,
  });

  const { server, drain } = createAuthServer(app);
  await listen(server, config, log);
  const stopReadyWatch = logWhenReady(log, async () => {
    const ready = await readiness();
    return ready.postgres && ready.redis;
  });

  /*
   * Shutdown order matters: stop accepting and let in-flight requests finish while the
   * pools still work, and only then close the pools. A second signal, or requests still
   * running after drainTimeoutMs, cut the wait short.
   */
  const shutdown = async (signal: NodeJS.Signals) => {
    if (draining) {
      log.warn('shutdown_forced', { signal });
      process.exit(1);
    }
    draining = true;
    stopReadyWatch();
    log.info('shutdown_started', { signal });

    const drained = await drain(AUTH_LIMITS.drainTimeoutMs);
    if (!drained) log.warn('drain_timeout', { drainTimeoutMs: AUTH_LIMITS.drainTimeoutMs });

    await Promise.allSettled([pool.end(), redis.quit()]);
    redis.disconnect();
    log.info('shutdown_complete');
    process.exit(0);
  };
  process.on('SIGTERM', (signal) => void shutdown(signal));
  process.on('SIGINT', (signal) => void shutdown(signal));
}

process.on('unhandledRejection', (reason) => {
  process.stdout.write(
    `${JSON.stringify({ level: 'error', event: 'crash', error: describeError(reason) })}\n`,
  );
  process.exit(1);
});

await main();

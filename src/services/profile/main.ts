/**
 * The profile service: `node dist/src/services/profile/main.js`, configured by AUTHLAB_*
 * environment variables (see config.ts). Materialises Debezium change events of the users
 * table as one profile document per user. Exit status: 0 after a clean stop, 2 for a bad
 * setting, 1 when it cannot go on.
 */
import { MongoClient } from 'mongodb';

import { describeError, isLabError } from '../../errors.js';
import { systemClock } from '../../measure/clock.js';
import { isFerretDb, ProfileWriter } from './apply-change.js';
import { loadProfileConfig, type ProfileConfig } from './config.js';
import { ProfileConsumer } from './consumer.js';
import { startHttp, type RunningHttp } from './http.js';
import { createLogger, type Logger } from './log.js';
import { createProfileMetrics } from './metrics.js';
import type { ProfileDocument } from './profile-document.js';
import { retryUntilStopped } from './retry.js';

/** The driver's per-command limits: fail fast enough to retry, long enough for a slow fsync. */
const SERVER_SELECTION_TIMEOUT_MS = 5000;
const SOCKET_TIMEOUT_MS = 30_000;

/** Aborted by SIGTERM or SIGINT; start-up steps that are still retrying give up on it. */
const stopping = new AbortController();

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger(config.replica);
  const metrics = createProfileMetrics(config.replica);

  let consumer: ProfileConsumer | undefined;
  const http = await startHttp(config.httpPort, metrics.registry, () =>
    consumer ? consumer.health() : { ok: false, state: 'starting', replica: config.replica },
  );
  log.info('http listening', { address: `127.0.0.1:${http.port}` });

  const mongo = new MongoClient(config.mongoUrl, {
    appName: `authlab-${config.replica}`,
    maxPoolSize: config.mongoMaxPool,
    serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
    socketTimeoutMS: SOCKET_TIMEOUT_MS,
    // Our own retry loop redoes whole rounds; FerretDB ignores retryable-write sessions.
    retryWrites: false,
  });
  const db = mongo.db(config.mongoDb);

  onSignals(async () => {
    stopping.abort();
    await shutdown(config, log, () => consumer?.stop(), http, mongo);
  });

  // An explicit connect per attempt: after a failed implicit one the client stays closed.
  const reachMongo = async () => isFerretDb((await mongo.connect()).db(config.mongoDb));
  const ferret = await retryUntilStopped('reach mongo', reachMongo, stopping.signal, log);
  const writer = new ProfileWriter(db.collection<ProfileDocument>(config.mongoCollection), {
    replica: config.replica,
    server: ferret ? 'ferretdb' : 'mongodb',
    concurrency: config.writeConcurrency,
    nowMs: () => systemClock.nowMs(),
    onWrite: (seconds) => metrics.writeSeconds.observe(seconds),
  });
  log.info('mongo reachable', { server: ferret ? 'ferretdb' : 'mongodb', db: config.mongoDb });

  consumer = new ProfileConsumer({
    config,
    writer,
    metrics,
    log,
    nowMs: () => systemClock.nowMs(),
    onFatal: (error) => fail(log, `kafka consumer stopped for good: ${describeError(error)}`),
  });
  await consumer.start();
}

function loadConfigOrExit(): ProfileConfig {
  try {
    return loadProfileConfig();
  } catch (error) {
    process.stderr.write(`profile: ${describeError(error)}\n`);
    process.exit(isLabError(error) ? error.exitCode : 1);
  }
}

/**
 * Stop order matters: the consumer first (it finishes and commits its batch, which needs
 * Mongo), then the HTTP endpoint, then Mongo. A deadline guards against a hung dependency.
 */
async function shutdown(
  config: ProfileConfig,
  log: Logger,
  stopConsumer: () => Promise<void> | undefined,
  http: RunningHttp,
  mongo: MongoClient,
): Promise<void> {
  log.info('stopping');
  const deadline = setTimeout(
    () => fail(log, `clean stop took over ${config.shutdownTimeoutMs} ms; exiting anyway`),
    config.shutdownTimeoutMs,
  );
  try {
    await stopConsumer();
    await http.close();
    await mongo.close();
  } catch (error) {
    fail(log, `stop failed: ${describeError(error)}`);
  }
  clearTimeout(deadline);
  log.info('stopped');
  process.exit(0);
}

function onSignals(handler: () => Promise<void>): void {
  let started = false;
  const once = () => {
    if (started) return;
    started = true;
    void handler();
  };
  process.on('SIGTERM', once);
  process.on('SIGINT', once);
}

function fail(log: Logger, reason: string): never {
  log.error(reason);
  process.exit(1);
}

main().catch((error: unknown) => {
  // A stop during start-up cuts start-up short; the shutdown handler owns the exit then.
  if (stopping.signal.aborted) return;
  process.stderr.write(`profile: ${describeError(error)}\n`);
  process.exit(isLabError(error) ? error.exitCode : 1);
});

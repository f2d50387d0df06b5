/**
 * Runs the load generator: checks the options, creates the user pool, starts the worker
 * threads with one shared start time, and merges their reports. Every worker stops by
 * itself; a worker that has not reported well after its own hard stop is terminated.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

import { LabError, badInput, describeError } from '../errors.js';
import { systemClock } from '../measure/clock.js';
import { LOAD_LIMITS } from './load-limits.js';
import { mergeReports, type LoadResult, type RunSettings } from './load-results.js';
import { NEEDS_USERS, activeOperations, type Mix } from './mix.js';
import type { LoadTarget } from './target.js';
import { createUserPool, sliceUserPool, type UserPool } from './user-pool.js';
import type { FromWorker, LoadModel, WorkerPlan, WorkerReport } from './worker-protocol.js';

export interface LoadOptions {
  target: LoadTarget;
  model: LoadModel;
  /** Open model: requests per second offered. Ignored by the closed model. */
  rateHz: number;
  durationS: number;
  warmupS: number;
  /** Sockets (open) or concurrent loops (closed) in total, per origin. */
  connections: number;
  mix: Mix;
  users: number;
  /** 0 picks a count from the rate and connections (see autoWorkers). */
  workers: number;
  timeoutMs: number;
  maxRequests: number;
  signal?: AbortSignal;
  say?: (line: string) => void;
  /** Called when the measurement window opens and closes (e.g. to read replica CPU). */
  onWindow?: { open?: () => Promise<void> | void; close?: () => Promise<void> | void };
}

/** Requests per second one worker sends comfortably; above it another thread helps. */
const RATE_PER_WORKER_HZ = 5_000;
const CONNECTIONS_PER_WORKER = 256;
/** Time between posting `start` and the first slot, so every worker is waiting for it. */
const START_DELAY_MS = 100;

/** One worker unless the rate or connection count needs more, never more than the cores. */
export function autoWorkers(model: LoadModel, rateHz: number, connections: number): number {
  const wanted = model === 'open' ? Math.ceil(rateHz / RATE_PER_WORKER_HZ) :
    Math.ceil(connections / CONNECTIONS_PER_WORKER);
  return Math.max(1, Math.min(wanted, availableParallelism(), connections));
}

function checkOptions(options: LoadOptions): void {
  const { model, rateHz, durationS, connections, maxRequests, target } = options;
  if (model === 'open' && !(rateHz > 0 && rateHz <= LOAD_LIMITS.maxRateHz)) {
    throw badInput(`--rate must be above 0 and at most ${LOAD_LIMITS.maxRateHz}, got ${rateHz}`);
  }
  if (!(durationS > 0 && durationS <= LOAD_LIMITS.maxDurationS)) {
    throw badInput(`--duration must be above 0 and at most ${LOAD_LIMITS.maxDurationS} s, ` +
      `got ${durationS}`);
  }
  if (!(connections >= 1 && connections <= LOAD_LIMITS.maxConnections)) {
    throw badInput(`--connections must be 1 to ${LOAD_LIMITS.maxConnections}, got ${connections}`);
  }
  if (!(maxRequests >= 1 && maxRequests <= LOAD_LIMITS.maxRequests)) {
    throw badInput(`--max-requests must be 1 to ${LOAD_LIMITS.maxRequests}, got ${maxRequests}`);
  }
  if (target.origins.length === 0) throw badInput('the load target has no address');
}

/** Splits `total` into `parts` whole shares that differ by at most one. */
function share(total: number, parts: number, index: number): number {
  return Math.floor(total / parts) + (index < total % parts ? 1 : 0);
}

function plans(options: LoadOptions, workers: number, pool: UserPool | null): WorkerPlan[] {
  const drainMs = options.timeoutMs + LOAD_LIMITS.drainMarginMs;
  return Array.from({ length: workers }, (_, k): WorkerPlan => {
    const users = pool ? sliceUserPool(pool, k, workers) : { emails: [], sessions: [] };
    return {
      workerIndex: k,
      workerCount: workers,
      origins: options.target.origins,
      connections: Math.max(1, share(options.connections, workers, k)),
      model: options.model,
      totalRateHz: options.rateHz,
      mix: options.mix,
      warmupMs: options.warmupS * 1000,
      durationMs: options.durationS * 1000,
      drainMs,
      maxRequests: share(options.maxRequests, workers, k),
      maxInFlight: LOAD_LIMITS.maxInFlightPerWorker,
      timeoutMs: options.timeoutMs,
      workload: {
        runTag: pool?.runTag ?? 'none', workerIndex: k, password: pool?.password ?? '',
        emails: users.emails, sessions: users.sessions,
        maxSessions: LOAD_LIMITS.maxSessionsPerWorker,
      },
    };
  });
}

/** A started worker thread: resolves `ready` when it can start, `report` at its end. */
function startWorker(plan: WorkerPlan, lastReportMs: () => number) {
  const worker = new Worker(new URL('./load-worker.js', import.meta.url), { workerData: plan });
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const report = new Promise<WorkerReport>((resolve, reject) => {
    const fail = (why: string) => reject(new LabError('INTERNAL',
      `load worker ${plan.workerIndex} failed: ${why}`));
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'ready') markReady();
      else if (message.type === 'report') resolve(message.report);
      else fail(message.message);
    });
    worker.on('error', (error) => fail(describeError(error)));
    worker.on('exit', (code) => fail(`it exited (code ${code}) before reporting`));
  });
  // A bounded wait: the worker's own hard stop plus a grace, whatever happens inside it.
  const watchdog = setInterval(() => {
    if (systemClock.nowMs() > lastReportMs()) void worker.terminate();
  }, 1000);
  void report.catch(() => undefined).finally(() => clearInterval(watchdog));
  return { worker, ready, report };
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LabError('TIMEOUT', `${what} after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Calls the window hooks at the window's start and end, on the main thread's timers. */
function scheduleWindowHooks(options: LoadOptions, startMs: number): () => Promise<void> {
  const openMs = startMs + options.warmupS * 1000;
  const closeMs = openMs + options.durationS * 1000;
  const pending: Promise<void>[] = [];
  const at = (tMs: number, hook?: () => Promise<void> | void) => {
    if (!hook) return undefined;
    return setTimeout(() => pending.push(Promise.resolve(hook())),
      Math.max(0, tMs - systemClock.nowMs()));
  };
  const timers = [at(openMs, options.onWindow?.open), at(closeMs, options.onWindow?.close)];
  return async () => {
    for (const timer of timers) clearTimeout(timer);
    await Promise.all(pending);
  };
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  checkOptions(options);
  const say = options.say ?? (() => undefined);
  const workers = options.workers > 0 ? Math.min(options.workers, options.connections) :
    autoWorkers(options.model, options.rateHz, options.connections);
  const needsUsers = activeOperations(options.mix).some((op) => NEEDS_USERS.includes(op));
  const users = needsUsers ? Math.max(options.users, workers) : 0;

  let pool: UserPool | null = null;
  if (users > 0) {
    say(`creating ${users} users through ${options.target.name}`);
    pool = await createUserPool(options.target.origins, users, options.signal);
  }

  const drainMs = options.timeoutMs + LOAD_LIMITS.drainMarginMs;
  let lastReportMs = Number.POSITIVE_INFINITY;
  const started = plans(options, workers, pool)
    .map((plan) => startWorker(plan, () => lastReportMs));
  const stopAll = () => started.forEach(({ worker }) => worker.postMessage({ type: 'stop' }));
  options.signal?.addEventListener('abort', stopAll, { once: true });

  try {
    await withTimeout(Promise.all(started.map((w) => w.ready)), LOAD_LIMITS.workerReadyTimeoutMs,
      'load workers were not ready');
    const startMs = systemClock.nowMs() + START_DELAY_MS;
    lastReportMs = startMs + (options.warmupS + options.durationS) * 1000 + drainMs +
      LOAD_LIMITS.workerReportGraceMs;
    const hooksDone = scheduleWindowHooks(options, startMs);
    for (const { worker } of started) worker.postMessage({ type: 'start', startMs });
    say(`${options.model} model, ${workers} worker(s), ${options.warmupS} s warm-up + ` +
      `${options.durationS} s against ${options.target.name}`);

    const reports = await Promise.all(started.map((w) => w.report));
    await hooksDone();
    const settings: RunSettings = {
      model: options.model, target: options.target,
      offeredRateHz: options.model === 'open' ? options.rateHz : null,
      durationS: options.durationS, warmupS: options.warmupS, connections: options.connections,
      workers, users, timeoutMs: options.timeoutMs, maxRequests: options.maxRequests,
      mix: options.mix,
    };
    return mergeReports(settings, reports);
  } finally {
    options.signal?.removeEventListener('abort', stopAll);
    await Promise.all(started.map(({ worker }) => worker.terminate()));
  }
}

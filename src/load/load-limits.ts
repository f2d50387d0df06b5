/**
 * The load generator's defaults and hard limits in one place, each with its reason. Units are
 * in the names. A flag outside a limit is refused with exit status 2 before anything runs.
 */
export const LOAD_DEFAULTS = Object.freeze({
  /** One auth replica at bcrypt cost 10 serves this login-heavy mix on a shared 2-core host. */
  rateHz: 10,
  durationS: 10,
  /** Enough for JIT warm-up, connection set-up and the Postgres pool to fill. */
  warmupS: 2,
  /** Sockets to the target, split over the workers: more than the in-flight count at 20/s. */
  connections: 16,
  /** The example workload: mostly logins, as a real sign-in service sees. */
  mix: 'signup=10,login=60,refresh=20,me=10',
  /** Accounts created before the run; logins and refreshes spread over them. */
  users: 20,
  /** A response slower than this is a timeout: long enough to see a stall, short enough to end. */
  timeoutMs: 10_000,
});

export const LOAD_LIMITS = Object.freeze({
  /**
   * The documented cap on --duration. Longer runs outlive the access tokens of the user pool
   * (15 minutes) and their per-second series stops being readable; run several instead.
   */
  maxDurationS: 600,
  maxWarmupS: 120,
  /** Far above what one machine can send; a typo of an extra zero still fails loudly. */
  maxRateHz: 200_000,
  /** File descriptors: each connection is a socket in this process and in the target. */
  maxConnections: 4_096,
  maxWorkers: 16,
  /** Hard cap on requests per run, whatever rate and duration say. */
  maxRequests: 20_000_000,
  maxUsers: 10_000,
  minTimeoutMs: 50,
  maxTimeoutMs: 120_000,
  /**
   * Requests one worker may have in flight before its schedule waits. The open model lets a
   * backlog form on purpose (that is the stall showing up); this bounds its memory. A wait it
   * forces is counted and still measured from the scheduled time.
   */
  maxInFlightPerWorker: 50_000,
  /** Sessions (refresh tokens) a worker keeps; logins beyond this are not kept. */
  maxSessionsPerWorker: 5_000,
  /** A worker that is not ready in this long is reported as failed. */
  workerReadyTimeoutMs: 20_000,
  /** After the schedule ends, answers are awaited for the timeout plus this margin. */
  drainMarginMs: 2_000,
  /** Extra time the main thread gives a worker past its own hard stop before killing it. */
  workerReportGraceMs: 15_000,
});

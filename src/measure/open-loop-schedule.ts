/**
 * An open-loop schedule: op i starts at start + i / rateHz whether or not earlier ops have
 * finished, so a slow pipeline shows up as latency in the samples, never as a slower writer
 * (the coordinated-omission trap of closed loops). Lateness of the loop itself is measured
 * and returned, never hidden.
 */
import { badInput } from '../errors.js';
import { sleepOrAbort, type Clock } from './clock.js';

/**
 * Ops allowed in flight at once before the schedule waits for one to settle. It protects the
 * process (sockets, memory) when the system under test stalls; at 1000 ops/s it is a full
 * second of backlog. Every wait it forces is counted in `inFlightLimitWaits` and its delay
 * shows in `maxScheduleSlipMs`.
 */
export const DEFAULT_MAX_IN_FLIGHT = 1000;

export interface OpenLoopOptions {
  /** How many ops to issue at most. */
  count: number;
  rateHz: number;
  clock: Clock;
  /** Hard cap from the start: no op is issued at or after start + maxDurationMs. */
  maxDurationMs: number;
  signal?: AbortSignal;
  maxInFlight?: number;
}

/**
 * Starts op i. Its own failures should be recorded by the op itself (as a failed sample);
 * a rejection reaching the schedule is counted in `failed`, never rethrown, so one bad op
 * does not stop the schedule.
 */
export type FireOp = (i: number, scheduledMs: number) => void | Promise<void>;

export type StopReason = 'count' | 'time-cap' | 'aborted';

export interface OpenLoopResult {
  issued: number;
  startedMs: number;
  /** When the last issued op settled. */
  endedMs: number;
  /** issued / (time from start to one period after the last issue): rateHz when on time. */
  achievedRateHz: number;
  /** Largest (actual start - scheduled start) over all issued ops. */
  maxScheduleSlipMs: number;
  /** How often the in-flight limit made the schedule wait. */
  inFlightLimitWaits: number;
  maxInFlight: number;
  /** Ops whose promise rejected (or that threw) and the first such error. */
  failed: number;
  firstError?: unknown;
  stopReason: StopReason;
}

type SlotOutcome = 'slot' | 'time-cap' | 'aborted';

/** The ops started and not yet settled, with a way to wait for a free slot. */
class InFlight {
  readonly pending = new Set<Promise<void>>();
  failed = 0;
  firstError: unknown;
  private onSettle: (() => void) | null = null;

  constructor(readonly limit: number) {}

  get full(): boolean {
    return this.pending.size >= this.limit;
  }

  start(op: () => void | Promise<void>): void {
    let started: Promise<void>;
    try {
      started = Promise.resolve(op());
    } catch (error) {
      started = Promise.reject(error);
    }
    const tracked: Promise<void> = started
      .catch((error: unknown) => {
        if (this.failed === 0) this.firstError = error;
        this.failed += 1;
      })
      .finally(() => {
        this.pending.delete(tracked);
        this.onSettle?.();
      });
    this.pending.add(tracked);
  }

  /** Waits until an op settles, the hard cap passes or the signal aborts. */
  async waitForSlot(clock: Clock, capMs: number, signal?: AbortSignal): Promise<SlotOutcome> {
    // The cap sleep gets its own controller so it can be cancelled when a slot frees first.
    const capStop = new AbortController();
    const forwardAbort = (): void => capStop.abort();
    signal?.addEventListener('abort', forwardAbort, { once: true });
    if (signal?.aborted) capStop.abort();

    const slot = new Promise<SlotOutcome>((resolve) => {
      this.onSettle = () => resolve('slot');
    });
    const cap = clock.sleepUntil(capMs, capStop.signal).then(
      () => 'time-cap' as const,
      () => 'aborted' as const,
    );
    const outcome = await Promise.race([slot, cap]);

    this.onSettle = null;
    capStop.abort();
    signal?.removeEventListener('abort', forwardAbort);
    return outcome;
  }

  async drain(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}

function validate(options: OpenLoopOptions): number {
  const { count, rateHz, maxDurationMs } = options;
  const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  if (!Number.isSafeInteger(count) || count < 0) {
    throw badInput(`open-loop count must be a whole number >= 0, got ${count}`);
  }
  if (!Number.isFinite(rateHz) || rateHz <= 0) {
    throw badInput(`open-loop rateHz must be a finite number > 0, got ${rateHz}`);
  }
  if (!Number.isFinite(maxDurationMs) || maxDurationMs <= 0) {
    throw badInput(`open-loop maxDurationMs must be a finite number > 0, got ${maxDurationMs}`);
  }
  if (!Number.isSafeInteger(maxInFlight) || maxInFlight < 1) {
    throw badInput(`open-loop maxInFlight must be a whole number >= 1, got ${maxInFlight}`);
  }
  return maxInFlight;
}

/**
 * Issues ops on the schedule until `count` ops, the hard cap or an abort, then waits for every
 * issued op to settle. An abort stops issuing; ops already issued are awaited, not cancelled
 * (pass the same signal into them if they should stop too).
 */
export async function runOpenLoop(
  options: OpenLoopOptions,
  fire: FireOp,
): Promise<OpenLoopResult> {
  const maxInFlight = validate(options);
  const { count, rateHz, clock, maxDurationMs, signal } = options;
  const periodMs = 1000 / rateHz;
  const startedMs = clock.nowMs();
  const capMs = startedMs + maxDurationMs;
  const inFlight = new InFlight(maxInFlight);

  let stopReason: StopReason = 'count';
  let issued = 0;
  let maxScheduleSlipMs = 0;
  let inFlightLimitWaits = 0;
  let lastIssuedMs = startedMs;

  for (let i = 0; i < count; i += 1) {
    const scheduledMs = startedMs + i * periodMs;
    if (scheduledMs >= capMs) {
      stopReason = 'time-cap';
      break;
    }

    if (!(await sleepOrAbort(clock, scheduledMs, signal))) {
      stopReason = 'aborted';
      break;
    }

    if (inFlight.full) {
      inFlightLimitWaits += 1;
      const outcome = await inFlight.waitForSlot(clock, capMs, signal);
      if (outcome !== 'slot') {
        stopReason = outcome;
        break;
      }
    }

    // The loop itself may have fallen behind past the cap or an abort while it waited.
    const firedMs = clock.nowMs();
    if (signal?.aborted) {
      stopReason = 'aborted';
      break;
    }
    if (firedMs >= capMs) {
      stopReason = 'time-cap';
      break;
    }

    maxScheduleSlipMs = Math.max(maxScheduleSlipMs, firedMs - scheduledMs);
    lastIssuedMs = firedMs;
    issued += 1;
    inFlight.start(() => fire(i, scheduledMs));
  }

  await inFlight.drain();

  const windowMs = lastIssuedMs - startedMs + periodMs;
  return {
    issued,
    startedMs,
    endedMs: clock.nowMs(),
    achievedRateHz: issued === 0 ? 0 : (issued * 1000) / windowMs,
    maxScheduleSlipMs,
    inFlightLimitWaits,
    maxInFlight,
    failed: inFlight.failed,
    ...(inFlight.failed > 0 ? { firstError: inFlight.firstError } : {}),
    stopReason,
  };
}

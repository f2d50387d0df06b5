/**
 * The two ways the generator paces requests.
 *
 * Open model: slot i of a worker is due at startMs + phaseMs + i / rateHz, and is sent when
 * due whatever earlier requests are doing. Latency is measured from the slot's time, so a
 * server that stalls shows up as latency of every request that should have been sent during
 * the stall (no coordinated omission), never as fewer requests.
 *
 * Closed model: `concurrency` loops each send a request, wait for its end, and send the next.
 * Its rate is whatever the server allows and its latency hides stalls; it is offered for
 * comparison with tools like wrk and always labelled as such.
 *
 * Both stop by themselves at endMs and after maxRequests, and give up waiting at hardStopMs.
 */
import { sleepOrAbort, type Clock } from '../measure/clock.js';

/** Sends request `index`, due at `dueMs`; calls `done` exactly once when it has ended. */
export type SendRequest = (index: number, dueMs: number, done: () => void) => void;

export type ScheduleStop = 'end' | 'max-requests' | 'hard-stop' | 'aborted';

export interface ScheduleResult {
  sent: number;
  /** Open model: slots due before the stop that were never sent (hard stop only). */
  unsent: number;
  /** Requests not ended by the hard stop; their `done` may still come and is ignored. */
  unsettled: number;
  /** How often the in-flight limit made the open schedule wait. */
  inFlightWaits: number;
  maxInFlight: number;
  stopReason: ScheduleStop;
}

export interface OpenScheduleOptions {
  clock: Clock;
  startMs: number;
  /** This worker's offset: worker k of n starts at k / totalRate. */
  phaseMs: number;
  rateHz: number;
  /** No slot at or after this time. */
  endMs: number;
  hardStopMs: number;
  maxRequests: number;
  maxInFlight: number;
  signal?: AbortSignal;
  /** Called for every slot that was due but never sent (hard stop), for the records. */
  onUnsent?: (index: number, dueMs: number) => void;
  /** Sends in one burst before the loop lets I/O run; bounds event-loop stalls when behind. */
  burst?: number;
}

const DEFAULT_BURST = 256;

/** Counts requests in flight and lets the schedule wait for one to end or for a deadline. */
class InFlight {
  count = 0;
  max = 0;
  private waiter: (() => void) | null = null;

  started(): void {
    this.count += 1;
    if (this.count > this.max) this.max = this.count;
  }

  ended(): void {
    this.count -= 1;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }

  /** Resolves true when a request ends, false at deadlineMs or on abort. */
  async waitForEnd(clock: Clock, deadlineMs: number, signal?: AbortSignal): Promise<boolean> {
    const stop = new AbortController();
    const forward = (): void => stop.abort();
    signal?.addEventListener('abort', forward, { once: true });
    if (signal?.aborted) stop.abort();
    const ended = new Promise<boolean>((resolve) => {
      this.waiter = () => resolve(true);
    });
    const deadline = clock.sleepUntil(deadlineMs, stop.signal).then(() => false, () => false);
    const outcome = await Promise.race([ended, deadline]);
    this.waiter = null;
    stop.abort();
    signal?.removeEventListener('abort', forward);
    return outcome;
  }

  /** Waits until nothing is in flight or the deadline passes; returns what is left. */
  async drain(clock: Clock, deadlineMs: number): Promise<number> {
    while (this.count > 0) {
      if (!(await this.waitForEnd(clock, deadlineMs))) break;
    }
    return this.count;
  }
}

/** A done callback that counts once, however often it is called. */
function once(inFlight: InFlight): () => void {
  let called = false;
  return () => {
    if (called) return;
    called = true;
    inFlight.ended();
  };
}

export async function runOpenSchedule(
  options: OpenScheduleOptions, send: SendRequest,
): Promise<ScheduleResult> {
  const { clock, startMs, phaseMs, rateHz, endMs, hardStopMs, maxRequests, signal } = options;
  const periodMs = 1000 / rateHz;
  const burst = options.burst ?? DEFAULT_BURST;
  const dueAt = (index: number): number => startMs + phaseMs + index * periodMs;
  const inFlight = new InFlight();
  let index = 0;
  let inFlightWaits = 0;
  let sinceYield = 0;
  let stopReason: ScheduleStop = 'end';

  for (;;) {
    if (index >= maxRequests) {
      stopReason = 'max-requests';
      break;
    }
    const dueMs = dueAt(index);
    if (dueMs >= endMs) break;
    if (signal?.aborted) {
      stopReason = 'aborted';
      break;
    }

    const nowMs = clock.nowMs();
    if (nowMs >= hardStopMs) {
      stopReason = 'hard-stop';
      break;
    }
    if (dueMs > nowMs) {
      sinceYield = 0;
      if (await sleepOrAbort(clock, dueMs, signal)) continue;
      stopReason = 'aborted';
      break;
    }
    if (inFlight.count >= options.maxInFlight) {
      inFlightWaits += 1;
      await inFlight.waitForEnd(clock, hardStopMs, signal);
      continue;
    }
    if (sinceYield >= burst) {
      // Far behind schedule: let answers be read before sending the next burst.
      sinceYield = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
      continue;
    }

    inFlight.started();
    sinceYield += 1;
    send(index, dueMs, once(inFlight));
    index += 1;
  }

  const sent = index;
  let unsent = 0;
  if (stopReason === 'hard-stop') {
    for (; index < maxRequests && dueAt(index) < endMs; index += 1) {
      options.onUnsent?.(index, dueAt(index));
      unsent += 1;
    }
  }
  const unsettled = await inFlight.drain(clock, hardStopMs);
  return { sent, unsent, unsettled, inFlightWaits, maxInFlight: inFlight.max, stopReason };
}

export interface ClosedScheduleOptions {
  clock: Clock;
  /** When the loops start sending. */
  startMs: number;
  endMs: number;
  hardStopMs: number;
  maxRequests: number;
  concurrency: number;
  signal?: AbortSignal;
}

export async function runClosedSchedule(
  options: ClosedScheduleOptions, send: SendRequest,
): Promise<ScheduleResult> {
  const { clock, endMs, hardStopMs, maxRequests, signal } = options;
  const inFlight = new InFlight();
  let index = 0;
  let stopReason: ScheduleStop = 'end';

  if (!(await sleepOrAbort(clock, options.startMs, signal))) stopReason = 'aborted';

  let running = options.concurrency;
  let allStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    allStopped = resolve;
  });
  const mayStart = (): boolean => {
    if (stopReason !== 'end') return false;
    if (signal?.aborted) stopReason = 'aborted';
    else if (index >= maxRequests) stopReason = 'max-requests';
    return stopReason === 'end' && clock.nowMs() < endMs;
  };

  // Each loop sends its next request from the previous one's `done`. A `done` called during
  // `send` itself (a request that fails at once) is deferred so the stack cannot grow.
  const loop = (): void => {
    if (!mayStart()) {
      running -= 1;
      if (running === 0) allStopped();
      return;
    }
    const requestIndex = index;
    index += 1;
    inFlight.started();
    const end = once(inFlight);
    let sending = true;
    send(requestIndex, clock.nowMs(), () => {
      end();
      if (sending) setImmediate(loop);
      else loop();
    });
    sending = false;
  };
  for (let i = 0; i < options.concurrency; i += 1) loop();

  // Loops stop at the first request that ends after endMs (or at the cap or an abort); a
  // request that never ends is given up on at the hard stop.
  const cancelHardStop = new AbortController();
  const hardStop = clock.sleepUntil(hardStopMs, cancelHardStop.signal)
    .then(() => true, () => false);
  const hitHardStop = await Promise.race([stopped.then(() => false), hardStop]);
  cancelHardStop.abort();
  if (hitHardStop && stopReason === 'end') stopReason = 'hard-stop';
  return {
    sent: index, unsent: 0, unsettled: inFlight.count, inFlightWaits: 0,
    maxInFlight: inFlight.max, stopReason,
  };
}

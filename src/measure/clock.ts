/**
 * The time source of every measurement: wall-clock epoch milliseconds with sub-millisecond
 * precision, and a sleep that wakes at an absolute time. Schedules and probes take a Clock so
 * tests can drive them with the fake one instead of waiting.
 */

export interface Clock {
  /** Epoch milliseconds, fractional (sub-ms) where the source allows it. */
  nowMs(): number;
  /** Resolves at (not before) `tMs`; rejects with the signal's reason when it aborts. */
  sleepUntil(tMs: number, signal?: AbortSignal): Promise<void>;
}

/**
 * How much of a sleep is spent polling with setImmediate instead of a timer. Node's timers
 * fire up to a millisecond or more late, so the timer sleeps until this close and the poll
 * takes the last stretch; a wider window costs CPU, a narrower one costs accuracy.
 */
const SPIN_WINDOW_MS = 1;

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

/** The real clock: performance.timeOrigin + performance.now() is epoch-aligned and monotonic. */
export const systemClock: Clock = {
  nowMs: () => performance.timeOrigin + performance.now(),
  sleepUntil: (tMs, signal) => sleepUntilReal(tMs, signal, SPIN_WINDOW_MS),
};

/**
 * The same time, with sleeps on timers alone: they wake up to a millisecond or so late but
 * never spin. For loops that wake every millisecond (a 1000 rows/s writer, a 1 ms poll),
 * where the spin of systemClock would take a whole core from the lab being measured; the
 * lateness of each wake-up is measured by whoever sleeps (schedule slip, poll cycles).
 */
export const timerClock: Clock = {
  nowMs: systemClock.nowMs,
  sleepUntil: (tMs, signal) => sleepUntilReal(tMs, signal, 0),
};

function sleepUntilReal(tMs: number, signal: AbortSignal | undefined,
  spinWindowMs: number): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));

  return new Promise<void>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let immediate: NodeJS.Immediate | undefined;

    const onAbort = (): void => {
      clearTimeout(timer);
      if (immediate) clearImmediate(immediate);
      reject(abortReason(signal as AbortSignal));
    };

    const step = (): void => {
      const remainingMs = tMs - systemClock.nowMs();
      if (remainingMs <= 0) {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      } else if (remainingMs > spinWindowMs + 1) {
        // setTimeout truncates to whole ms and may be late; aim short and poll the rest.
        timer = setTimeout(step, Math.floor(remainingMs - spinWindowMs));
      } else if (spinWindowMs > 0) {
        immediate = setImmediate(step);
      } else {
        timer = setTimeout(step, Math.ceil(remainingMs));
      }
    };

    signal?.addEventListener('abort', onAbort, { once: true });
    step();
  });
}

interface Sleeper {
  dueMs: number;
  order: number;
  resolve: () => void;
}

/**
 * A clock for tests: time moves only when the test calls advanceTo/advanceBy, and sleepers
 * wake in time order (ties in the order they slept), each with nowMs() equal to its due time.
 * Between wake-ups pending promise callbacks run, so code that sleeps again inside the
 * window being advanced is woken in the same call.
 */
export class FakeClock implements Clock {
  private currentMs: number;
  private sleepers: Sleeper[] = [];
  private nextOrder = 0;

  constructor(startMs = 0) {
    this.currentMs = startMs;
  }

  nowMs(): number {
    return this.currentMs;
  }

  /** How many sleepers wait; lets a test check that nothing is left behind. */
  get pendingSleepers(): number {
    return this.sleepers.length;
  }

  sleepUntil(tMs: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (tMs <= this.currentMs) return Promise.resolve();

    return new Promise<void>((resolve, reject) => {
      const sleeper: Sleeper = { dueMs: tMs, order: this.nextOrder++, resolve };
      const onAbort = (): void => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(abortReason(signal as AbortSignal));
      };
      sleeper.resolve = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(sleeper);
    });
  }

  async advanceBy(deltaMs: number): Promise<void> {
    await this.advanceTo(this.currentMs + deltaMs);
  }

  async advanceTo(targetMs: number): Promise<void> {
    if (targetMs < this.currentMs) {
      throw new RangeError(`FakeClock cannot go back from ${this.currentMs} to ${targetMs}`);
    }
    await settlePending();

    for (;;) {
      const next = this.earliestDueBy(targetMs);
      if (!next) break;
      this.sleepers = this.sleepers.filter((s) => s !== next);
      this.currentMs = next.dueMs;
      next.resolve();
      await settlePending();
    }

    this.currentMs = targetMs;
    await settlePending();
  }

  private earliestDueBy(targetMs: number): Sleeper | undefined {
    let best: Sleeper | undefined;
    for (const s of this.sleepers) {
      if (s.dueMs > targetMs) continue;
      if (!best || s.dueMs < best.dueMs || (s.dueMs === best.dueMs && s.order < best.order)) {
        best = s;
      }
    }
    return best;
  }
}

/** Lets every queued promise callback run: the microtask queue drains before setImmediate. */
function settlePending(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Sleeps until tMs; false when the signal aborted first (an abort is not an error here). */
export async function sleepOrAbort(clock: Clock, tMs: number, signal?: AbortSignal) {
  try {
    await clock.sleepUntil(tMs, signal);
    return true;
  } catch (error) {
    if (signal?.aborted) return false;
    throw error;
  }
}

/**
 * The clock the load generator paces with. It reads time like the system clock but sleeps on
 * timers only, never polling: Node's timers wake up to about a millisecond late, so requests
 * due within that millisecond go out together, and the generator leaves the CPU to the
 * server it measures (on a 2-core machine the two share it). The lateness is not hidden:
 * latency counts from the due time, and each request's send lag is recorded.
 */
import { systemClock, type Clock } from '../measure/clock.js';

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

export const timerClock: Clock = {
  nowMs: systemClock.nowMs,

  sleepUntil(tMs: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const remainingMs = tMs - systemClock.nowMs();
    if (remainingMs <= 0) return Promise.resolve();

    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(abortReason(signal as AbortSignal));
      };
      // Whole ms, rounded up. Node's timer clock is coarse and can still wake a little early;
      // the schedule reads the time again after every wake and sleeps again if so.
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.ceil(remainingMs));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};

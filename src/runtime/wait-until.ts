/**
 * The one retry helper behind every readiness wait. A probe is a single attempt that throws
 * while the thing is not ready; the last failure becomes the cause of the timeout error.
 */
import { LabError, describeError } from '../errors.js';

export interface WaitClock {
  nowMs(): number;
  sleep(ms: number): Promise<void>;
}

export const realWaitClock: WaitClock = {
  nowMs: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface WaitOptions {
  /** Names what is awaited in the timeout message: "kafka on 127.0.0.1:15402". */
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  /** Where to look when it times out: "see .authlab/logs/kafka.log". */
  hint?: string;
  clock?: WaitClock;
  /** Checked before each attempt; a non-null answer stops the wait at once (process died). */
  abortReason?: () => string | null;
}

export async function waitUntil<T>(probe: () => Promise<T>, options: WaitOptions): Promise<T> {
  const clock = options.clock ?? realWaitClock;
  const intervalMs = options.intervalMs ?? 250;
  const deadline = clock.nowMs() + options.timeoutMs;
  let lastError: unknown;

  for (;;) {
    const aborted = options.abortReason?.();
    if (aborted) {
      throw new LabError('COMPONENT_FAILED', `${options.what}: ${aborted}`, { cause: lastError });
    }

    try {
      return await probe();
    } catch (error) {
      lastError = error;
    }

    if (clock.nowMs() >= deadline) {
      const last = lastError ? `; last error: ${describeError(lastError)}` : '';
      const hint = options.hint ? `; ${options.hint}` : '';
      throw new LabError(
        'TIMEOUT',
        `${options.what} was not ready after ${options.timeoutMs} ms${last}${hint}`,
        { cause: lastError, retriable: true },
      );
    }
    await clock.sleep(intervalMs);
  }
}

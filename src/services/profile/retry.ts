/**
 * Waiting helpers for a long-running service: a jittered exponential backoff, a sleep that a
 * stop request cuts short, and a retry loop for start-up steps whose dependency may be late.
 */
import { describeError } from '../../errors.js';
import type { Logger } from './log.js';

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5000;

/** 100 ms doubling to 5 s, with jitter so replicas do not retry in step. */
export function backoffMs(failures: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(failures, 16));
  return Math.round(base * (0.8 + 0.4 * random()));
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Retries a step until it works; rethrows only once the signal says the service is stopping. */
export async function retryUntilStopped<T>(
  what: string,
  step: () => Promise<T>,
  signal: AbortSignal,
  log: Logger,
): Promise<T> {
  for (let failures = 0; ; failures++) {
    try {
      return await step();
    } catch (error) {
      if (signal.aborted) throw error;
      const retryInMs = backoffMs(failures);
      log.warn(`cannot ${what}, retrying`, { error: describeError(error), retryInMs });
      await sleep(retryInMs, signal);
    }
  }
}

/**
 * The entry of a load worker thread: builds nothing until told to start, runs its plan and
 * posts one report. A `stop` message ends the schedule early; what was measured is reported.
 */
import { parentPort, workerData } from 'node:worker_threads';

import { describeError } from '../errors.js';
import type { FromWorker, ToWorker, WorkerPlan } from './worker-protocol.js';
import { runWorkerPlan } from './worker-run.js';

const port = parentPort;
const plan = workerData as WorkerPlan;
const stop = new AbortController();

function post(message: FromWorker): void {
  port?.postMessage(message);
}

async function start(startMs: number): Promise<void> {
  try {
    const report = await runWorkerPlan(plan, startMs, stop.signal);
    post({ type: 'report', report });
  } catch (error) {
    post({ type: 'failed', message: describeError(error) });
  } finally {
    port?.close();
  }
}

port?.on('message', (message: ToWorker) => {
  if (message.type === 'start') void start(message.startMs);
  else stop.abort();
});
post({ type: 'ready' });

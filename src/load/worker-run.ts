/**
 * One worker's run: paces requests with the open or closed schedule, picks each request's
 * operation from the mix, sends it and records its outcome. Runs in a worker thread in
 * production (load-worker.ts) and in the test's own thread with a fake clock.
 */
import type { Clock } from '../measure/clock.js';
import { HttpSender } from './http-sender.js';
import { FINE_DIGITS, LoadHistogram } from './load-histogram.js';
import {
  runClosedSchedule, runOpenSchedule, type ScheduleResult, type SendRequest,
} from './load-schedule.js';
import { MixPicker, type OperationName } from './mix.js';
import { RequestRecorder, type MeasureWindow } from './op-recorder.js';
import { timerClock } from './timer-clock.js';
import type { WorkerPlan, WorkerReport } from './worker-protocol.js';
import { Workload } from './workload.js';

/**
 * The op of each request. In the open model worker k of n owns global slots k, k+n, ...,
 * so it steps the shared sequence n at a time and the run as a whole follows the mix
 * exactly; a closed worker walks the sequence on its own.
 */
function operationPicker(plan: WorkerPlan): () => OperationName {
  const picker = new MixPicker(plan.mix);
  if (plan.model === 'closed') return () => picker.next();
  picker.skip(plan.workerIndex);
  return () => {
    const op = picker.next();
    picker.skip(plan.workerCount - 1);
    return op;
  };
}

export function measureWindow(plan: WorkerPlan, startMs: number): MeasureWindow {
  const openMs = startMs + plan.warmupMs;
  return {
    startMs: openMs,
    endMs: openMs + plan.durationMs,
    lastSecond: Math.ceil((plan.durationMs + plan.drainMs) / 1000),
  };
}

export async function runWorkerPlan(
  plan: WorkerPlan, startMs: number, signal: AbortSignal, clock: Clock = timerClock,
): Promise<WorkerReport> {
  const window = measureWindow(plan, startMs);
  const hardStopMs = window.endMs + plan.drainMs;
  const recorder = new RequestRecorder(window);
  const sendLag = new LoadHistogram(FINE_DIGITS);
  const workload = new Workload(plan.workload);
  const pickOperation = operationPicker(plan);
  const sender = new HttpSender({
    origins: plan.origins, connections: plan.connections, timeoutMs: plan.timeoutMs,
  });

  let sentInWindow = 0;
  const send: SendRequest = (_index, dueMs, done) => {
    const op = pickOperation();
    const prepared = workload.prepare(op);
    const sentMs = clock.nowMs();
    if (plan.model === 'open' && dueMs >= window.startMs) sendLag.recordMs(sentMs - dueMs);
    if (sentMs >= window.startMs && sentMs < window.endMs) sentInWindow += 1;
    if ('failure' in prepared) {
      recorder.record(op, dueMs, sentMs, prepared.failure);
      done();
      return;
    }
    sender.send(prepared.request, (result) => {
      recorder.record(op, dueMs, clock.nowMs(), prepared.read(result));
      done();
    });
  };

  // After an interrupt, answers still in flight get one drain period, not the rest of the run.
  let abortCut: NodeJS.Timeout | undefined;
  const onAbort = () => {
    abortCut = setTimeout(() => void sender.destroy(), plan.drainMs);
  };
  signal.addEventListener('abort', onAbort, { once: true });

  let schedule: ScheduleResult;
  try {
    schedule = plan.model === 'open'
      ? await runOpenSchedule({
        clock, startMs, phaseMs: (plan.workerIndex * 1000) / plan.totalRateHz,
        rateHz: plan.totalRateHz / plan.workerCount, endMs: window.endMs, hardStopMs,
        maxRequests: plan.maxRequests, maxInFlight: plan.maxInFlight, signal,
        onUnsent: (_index, dueMs) =>
          recorder.record(pickOperation(), dueMs, hardStopMs, { kind: 'unsent' }),
      }, send)
      : await runClosedSchedule({
        clock, startMs, endMs: window.endMs, hardStopMs, maxRequests: plan.maxRequests,
        concurrency: plan.connections * plan.origins.length, signal,
      }, send);
  } finally {
    signal.removeEventListener('abort', onAbort);
    clearTimeout(abortCut);
    // Requests still open at the hard stop are cut here and recorded as timeouts.
    await sender.destroy();
  }

  return {
    workerIndex: plan.workerIndex,
    schedule,
    sendLag: sendLag.encode(),
    sentInWindow,
    operations: recorder.encode(),
  };
}

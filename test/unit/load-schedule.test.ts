import { test } from 'node:test';
import assert from 'node:assert/strict';

import { FakeClock } from '../../src/measure/clock.js';
import {
  runClosedSchedule, runOpenSchedule, type OpenScheduleOptions,
} from '../../src/load/load-schedule.js';

interface Sent {
  index: number;
  dueMs: number;
  sentMs: number;
}

/** Runs an open schedule on a fake clock from 0; each request takes durationMs(index). */
async function openOnFakeClock(
  options: Partial<OpenScheduleOptions>, durationMs: (index: number) => number, runToMs: number,
) {
  const clock = new FakeClock(0);
  const sent: Sent[] = [];
  const unsent: number[] = [];
  const done = runOpenSchedule({
    clock, startMs: 0, phaseMs: 0, rateHz: 10, endMs: 1000, hardStopMs: 60_000,
    maxRequests: 1_000_000, maxInFlight: 1000, onUnsent: (index) => unsent.push(index),
    ...options,
  }, (index, dueMs, finish) => {
    sent.push({ index, dueMs, sentMs: clock.nowMs() });
    void clock.sleepUntil(clock.nowMs() + durationMs(index)).then(finish);
  });
  await clock.advanceTo(runToMs);
  return { result: await done, sent, unsent, clock };
}

const instant = () => 0;

test('the open schedule sends each slot at start + phase + i / rate', async () => {
  const cases = [
    { rateHz: 10, phaseMs: 0, endMs: 1000, want: [0, 100, 200, 300, 400, 500, 600, 700, 800, 900] },
    { rateHz: 10, phaseMs: 50, endMs: 500, want: [50, 150, 250, 350, 450] },
    { rateHz: 4, phaseMs: 0, endMs: 1000, want: [0, 250, 500, 750] },
    { rateHz: 3, phaseMs: 0, endMs: 1000, want: [0, 1000 / 3, 2000 / 3] },
  ];
  for (const { rateHz, phaseMs, endMs, want } of cases) {
    const { result, sent } = await openOnFakeClock({ rateHz, phaseMs, endMs }, instant, 5000);
    const label = `${rateHz} Hz, phase ${phaseMs} ms`;
    assert.deepEqual(sent.map((s) => s.dueMs), want, label);
    assert.deepEqual(sent.map((s) => s.sentMs), want, `${label}: sent when due`);
    assert.equal(result.sent, want.length, label);
    assert.equal(result.stopReason, 'end');
  }
});

test('workers with phases k / rate together send the whole rate, evenly spaced', async () => {
  const workers = 4;
  const totalRateHz = 200;
  const due: number[] = [];
  for (let k = 0; k < workers; k += 1) {
    const { sent } = await openOnFakeClock({
      rateHz: totalRateHz / workers, phaseMs: (k * 1000) / totalRateHz, endMs: 1000,
    }, instant, 5000);
    due.push(...sent.map((s) => s.dueMs));
  }
  due.sort((a, b) => a - b);
  assert.equal(due.length, 200, 'rate x duration requests in total');
  due.forEach((ms, i) => assert.ok(Math.abs(ms - i * 5) < 1e-9, `slot ${i} at ${ms} ms`));
});

test('a slow answer does not delay the next request (open model)', async () => {
  const slowFirst = (index: number) => (index === 0 ? 2000 : 1);
  const { result, sent } = await openOnFakeClock({ endMs: 500 }, slowFirst, 5000);
  assert.deepEqual(sent.map((s) => s.sentMs), [0, 100, 200, 300, 400]);
  assert.equal(result.unsettled, 0, 'the schedule waited for the slow answer');
  assert.equal(result.maxInFlight, 2);
});

test('at the in-flight limit the schedule waits, and slots never sent are unsent', async () => {
  const never = () => 1_000_000;
  const { result, sent, unsent } = await openOnFakeClock(
    { rateHz: 10, endMs: 1000, maxInFlight: 3, hardStopMs: 2000 }, never, 5000);
  assert.equal(sent.length, 3);
  assert.deepEqual(unsent, [3, 4, 5, 6, 7, 8, 9]);
  assert.equal(result.unsent, 7);
  assert.equal(result.unsettled, 3);
  assert.equal(result.stopReason, 'hard-stop');
  assert.ok(result.inFlightWaits >= 1);
});

test('a late send keeps its due time, so the wait counts as latency', async () => {
  // Two slots in flight at most; each answer takes 250 ms, so slot 2 waits for slot 0.
  const { sent } = await openOnFakeClock(
    { rateHz: 10, endMs: 300, maxInFlight: 2 }, () => 250, 5000);
  assert.deepEqual(sent.map((s) => [s.dueMs, s.sentMs]), [[0, 0], [100, 100], [200, 250]]);
});

test('the request cap stops the open schedule', async () => {
  const { result, sent } = await openOnFakeClock({ maxRequests: 4 }, instant, 5000);
  assert.equal(sent.length, 4);
  assert.equal(result.stopReason, 'max-requests');
});

test('an abort stops sending and the requests in flight are awaited', async () => {
  const clock = new FakeClock(0);
  const controller = new AbortController();
  let sent = 0;
  const done = runOpenSchedule({
    clock, startMs: 0, phaseMs: 0, rateHz: 10, endMs: 10_000, hardStopMs: 60_000,
    maxRequests: 1000, maxInFlight: 1000, signal: controller.signal,
  }, (_index, _due, finish) => {
    sent += 1;
    void clock.sleepUntil(clock.nowMs() + 50).then(finish);
  });
  await clock.advanceTo(250);
  controller.abort();
  await clock.advanceTo(1000);
  const result = await done;
  assert.equal(sent, 3);
  assert.equal(result.stopReason, 'aborted');
  assert.equal(result.unsettled, 0);
});

test('the closed schedule keeps `concurrency` requests in flight until the end', async () => {
  const clock = new FakeClock(0);
  const starts: number[] = [];
  const done = runClosedSchedule({
    clock, startMs: 0, endMs: 1000, hardStopMs: 60_000, maxRequests: 1000, concurrency: 3,
  }, (_index, startMs, finish) => {
    starts.push(startMs);
    void clock.sleepUntil(clock.nowMs() + 100).then(finish);
  });
  await clock.advanceTo(5000);
  const result = await done;
  assert.equal(result.sent, 30, '3 loops x 10 rounds of 100 ms');
  assert.equal(result.maxInFlight, 3);
  assert.equal(result.stopReason, 'end');
  assert.deepEqual([...new Set(starts)], [0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
});

test('the closed schedule stops at the request cap, also when requests fail at once', async () => {
  const clock = new FakeClock(0);
  const done = runClosedSchedule({
    clock, startMs: 0, endMs: 1000, hardStopMs: 60_000, maxRequests: 50, concurrency: 2,
  }, (_index, _startMs, finish) => finish());
  // The clock stands still: the loops end by the cap alone, and the run returns at once.
  const result = await done;
  assert.equal(result.sent, 50);
  assert.equal(result.stopReason, 'max-requests');
});

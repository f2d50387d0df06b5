import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../src/measure/clock.js';
import { runOpenLoop, type OpenLoopOptions } from '../../src/measure/open-loop-schedule.js';

interface Fired {
  i: number;
  scheduledMs: number;
  firedMs: number;
}

/** Runs a schedule on a fake clock starting at 0, advancing time by `advanceMs`. */
async function runFake(
  options: Omit<OpenLoopOptions, 'clock'>,
  opDurationMs: (i: number) => number,
  advanceMs: number,
  clock = new FakeClock(0),
) {
  const fired: Fired[] = [];
  const done = runOpenLoop({ ...options, clock }, async (i, scheduledMs) => {
    fired.push({ i, scheduledMs, firedMs: clock.nowMs() });
    const durationMs = opDurationMs(i);
    if (durationMs > 0) await clock.sleepUntil(clock.nowMs() + durationMs);
  });
  await clock.advanceBy(advanceMs);
  return { result: await done, fired, clock };
}

const instant = () => 0;

test('the schedule issues count ops at start + i / rate', async () => {
  const cases = [
    { count: 5, rateHz: 10, want: [0, 100, 200, 300, 400] },
    { count: 4, rateHz: 1000, want: [0, 1, 2, 3] },
    { count: 3, rateHz: 3, want: [0, 1000 / 3, 2000 / 3] },
    { count: 0, rateHz: 10, want: [] },
  ];
  for (const { count, rateHz, want } of cases) {
    const options = { count, rateHz, maxDurationMs: 60_000 };
    const { result, fired } = await runFake(options, instant, 5000);
    assert.deepEqual(fired.map((f) => f.scheduledMs), want, `count ${count} at ${rateHz} Hz`);
    assert.deepEqual(fired.map((f) => f.firedMs), want);
    assert.equal(result.issued, count);
    assert.equal(result.stopReason, 'count');
    assert.equal(result.maxScheduleSlipMs, 0);
    if (count > 0) assert.ok(Math.abs(result.achievedRateHz - rateHz) < 1e-9);
  }
});

test('a slow op does not delay the next one (open loop)', async () => {
  const slowFirst = (i: number) => (i === 0 ? 1000 : 0);
  const { result, fired } = await runFake(
    { count: 3, rateHz: 10, maxDurationMs: 60_000 }, slowFirst, 5000);

  assert.deepEqual(fired.map((f) => f.firedMs), [0, 100, 200]);
  assert.equal(result.maxScheduleSlipMs, 0);
  assert.equal(result.endedMs, 1000, 'the result waits for the slow op to settle');
});

test('the hard time cap stops issuing before count is reached', async () => {
  const { result, fired } = await runFake(
    { count: 100, rateHz: 10, maxDurationMs: 250 }, instant, 5000);

  assert.deepEqual(fired.map((f) => f.firedMs), [0, 100, 200]);
  assert.equal(result.issued, 3);
  assert.equal(result.stopReason, 'time-cap');
});

test('an abort stops issuing and in-flight ops are still awaited', async () => {
  const clock = new FakeClock(0);
  const controller = new AbortController();
  const fired: number[] = [];
  const done = runOpenLoop(
    { count: 100, rateHz: 10, maxDurationMs: 60_000, clock, signal: controller.signal },
    async () => {
      fired.push(clock.nowMs());
      await clock.sleepUntil(clock.nowMs() + 500);
    },
  );
  await clock.advanceTo(150);
  controller.abort();
  await clock.advanceTo(2000);
  const result = await done;

  assert.deepEqual(fired, [0, 100]);
  assert.equal(result.stopReason, 'aborted');
  assert.equal(result.issued, 2);
  assert.equal(result.endedMs, 600);
});

test('the in-flight limit delays ops and the delay is reported', async () => {
  // Each op takes 250 ms at 10 Hz, so three would be in flight; the limit is two.
  const { result, fired } = await runFake(
    { count: 4, rateHz: 10, maxDurationMs: 60_000, maxInFlight: 2 }, () => 250, 5000);

  assert.deepEqual(fired.map((f) => f.firedMs), [0, 100, 250, 350]);
  assert.deepEqual(fired.map((f) => f.scheduledMs), [0, 100, 200, 300]);
  assert.equal(result.inFlightLimitWaits, 2);
  assert.equal(result.maxScheduleSlipMs, 50);
});

test('the time cap also ends a wait for the in-flight limit', async () => {
  const { result, fired } = await runFake(
    { count: 10, rateHz: 10, maxDurationMs: 300, maxInFlight: 1 }, () => 10_000, 20_000);

  assert.deepEqual(fired.map((f) => f.firedMs), [0]);
  assert.equal(result.stopReason, 'time-cap');
  assert.equal(result.inFlightLimitWaits, 1);
});

test('failing ops are counted and do not stop the schedule', async () => {
  const clock = new FakeClock(0);
  const done = runOpenLoop({ count: 4, rateHz: 10, maxDurationMs: 60_000, clock }, (i) => {
    if (i === 1) throw new Error('sync boom');
    if (i === 2) return Promise.reject(new Error('async boom'));
  });
  await clock.advanceBy(1000);
  const result = await done;

  assert.equal(result.issued, 4);
  assert.equal(result.failed, 2);
  assert.match(String(result.firstError), /sync boom/);
});

test('bad options are refused with BAD_INPUT', async () => {
  const clock = new FakeClock(0);
  const bad = [
    { count: -1, rateHz: 10, maxDurationMs: 1000 },
    { count: 1.5, rateHz: 10, maxDurationMs: 1000 },
    { count: 1, rateHz: 0, maxDurationMs: 1000 },
    { count: 1, rateHz: Number.NaN, maxDurationMs: 1000 },
    { count: 1, rateHz: 10, maxDurationMs: 0 },
    { count: 1, rateHz: 10, maxDurationMs: 1000, maxInFlight: 0 },
  ];
  for (const options of bad) {
    await assert.rejects(runOpenLoop({ ...options, clock }, () => {}), { code: 'BAD_INPUT' },
      JSON.stringify(options));
  }
});

test('on the real clock, a short schedule keeps to time', async () => {
  const { systemClock } = await import('../../src/measure/clock.js');
  const slipsMs: number[] = [];
  const result = await runOpenLoop(
    { count: 20, rateHz: 200, maxDurationMs: 5000, clock: systemClock },
    (_i, scheduledMs) => { slipsMs.push(systemClock.nowMs() - scheduledMs); },
  );
  assert.equal(result.issued, 20);
  assert.ok(slipsMs.every((slipMs) => slipMs >= 0), 'no op starts early');
  // A loose bound on the median: the machine is shared and a loaded one wakes timers late.
  const median = [...slipsMs].sort((a, b) => a - b)[10] as number;
  assert.ok(median < 10, `median slip ${median} ms: ${slipsMs.join(', ')}`);
  // The schedule reads the clock just before it calls the op, so it can only see less slip.
  assert.ok(result.maxScheduleSlipMs <= Math.max(...slipsMs));
  assert.ok(result.maxScheduleSlipMs >= 0);
});

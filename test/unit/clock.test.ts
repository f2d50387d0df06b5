import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, systemClock, timerClock } from '../../src/measure/clock.js';

test('the system clock reads epoch milliseconds with a fractional part', () => {
  const before = Date.now();
  const now = systemClock.nowMs();
  assert.ok(Math.abs(now - before) < 50, `nowMs ${now} is far from Date.now ${before}`);
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

// Targets 0.3 to 3.3 ms ahead: the short ones are where a timer-only sleep could round down.
for (const [name, clock] of [['system', systemClock], ['timer', timerClock]] as const) {
  test(`the ${name} clock never wakes early and usually wakes soon after`, async () => {
    const lateMs: number[] = [];
    for (let i = 0; i < 15; i += 1) {
      const targetMs = clock.nowMs() + 0.3 + (i % 4);
      await clock.sleepUntil(targetMs);
      lateMs.push(clock.nowMs() - targetMs);
    }
    assert.ok(lateMs.every((ms) => ms >= 0), `woke early: ${lateMs.join(', ')}`);
    // A loose bound on the median: on an idle machine it is ~0.02 ms (system) or ~1 ms
    // (timer), but the machine is shared and a loaded one wakes timers late; this still
    // catches a wrong unit or a lost wake.
    assert.ok(median(lateMs) < 10, `median lateness ${median(lateMs)} ms: ${lateMs.join(', ')}`);
  });
}

test('the system clock rejects a sleep when its signal aborts', async () => {
  const controller = new AbortController();
  const sleeping = systemClock.sleepUntil(systemClock.nowMs() + 10_000, controller.signal);
  controller.abort(new Error('stop'));
  await assert.rejects(sleeping, /stop/);
});

test('the fake clock wakes sleepers in time order at their due time', async () => {
  const clock = new FakeClock(1000);
  const woke: [string, number][] = [];
  const sleep = (name: string, tMs: number) =>
    clock.sleepUntil(tMs).then(() => woke.push([name, clock.nowMs()]));

  void sleep('c', 1300);
  void sleep('a', 1100);
  void sleep('b', 1200);
  void sleep('late', 5000);
  await clock.advanceTo(1250);

  assert.deepEqual(woke, [['a', 1100], ['b', 1200]]);
  assert.equal(clock.nowMs(), 1250);
  assert.equal(clock.pendingSleepers, 2);
});

test('the fake clock wakes a sleeper that was queued by another inside the window', async () => {
  const clock = new FakeClock(0);
  const woke: number[] = [];
  void clock.sleepUntil(10).then(async () => {
    woke.push(clock.nowMs());
    await clock.sleepUntil(20);
    woke.push(clock.nowMs());
  });
  await clock.advanceBy(30);
  assert.deepEqual(woke, [10, 20]);
});

test('the fake clock resolves a sleep in the past at once and rejects on abort', async () => {
  const clock = new FakeClock(100);
  await clock.sleepUntil(50);

  const controller = new AbortController();
  const sleeping = clock.sleepUntil(200, controller.signal);
  controller.abort();
  await assert.rejects(sleeping, { name: 'AbortError' });
  assert.equal(clock.pendingSleepers, 0);
});

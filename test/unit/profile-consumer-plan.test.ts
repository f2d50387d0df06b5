import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { planRounds } from '../../src/services/profile/consumer.js';
import { backoffMs } from '../../src/services/profile/retry.js';

function write(userId: string, offset: number) {
  return { change: { userId }, offset };
}

describe('planRounds', () => {
  it('puts independent users in one round', () => {
    const rounds = planRounds([write('a', 1), write('b', 2), write('c', 3)]);
    assert.deepEqual(rounds.map((r) => r.map((w) => w.offset)), [[1, 2, 3]]);
  });

  it('gives each user at most one change per round, in partition order', () => {
    const rounds = planRounds([
      write('a', 1), write('b', 2), write('a', 3), write('c', 4), write('a', 5), write('b', 6),
    ]);
    assert.deepEqual(rounds.map((r) => r.map((w) => w.offset)), [[1, 2, 4], [3, 6], [5]]);
  });

  it('plans nothing for no changes', () => {
    assert.deepEqual(planRounds([]), []);
  });
});

describe('backoffMs', () => {
  it('starts near 100 ms, doubles, and stays at or under 5 s with jitter', () => {
    assert.equal(backoffMs(0, () => 0.5), 100);
    assert.equal(backoffMs(3, () => 0.5), 800);
    assert.equal(backoffMs(40, () => 0.5), 5000);
    assert.equal(backoffMs(40, () => 1), 6000);
    assert.equal(backoffMs(0, () => 0), 80);
  });
});

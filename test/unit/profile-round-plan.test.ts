import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { backoffMs } from '../../src/services/profile/retry.js';
import { donePrefix, planRounds } from '../../src/services/profile/round-plan.js';

function write(userId: string, offset: number) {
  return { change: { userId }, offset };
}

function offsets(rounds: Array<Array<{ offset: number }>>): number[][] {
  return rounds.map((round) => round.map((w) => w.offset));
}

describe('planRounds', () => {
  it('puts independent users in one round', () => {
    const plan = planRounds([write('a', 1), write('b', 2), write('c', 3)]);
    assert.deepEqual(offsets(plan.rounds), [[1, 2, 3]]);
    assert.deepEqual(plan.roundOf, [0, 0, 0]);
  });

  it('gives each user at most one change per round, in partition order', () => {
    const plan = planRounds([
      write('a', 1), write('b', 2), write('a', 3), write('c', 4), write('a', 5), write('b', 6),
    ]);
    assert.deepEqual(offsets(plan.rounds), [[1, 2, 4], [3, 6], [5]]);
    assert.deepEqual(plan.roundOf, [0, 0, 1, 0, 2, 1]);
  });

  it('marks records with nothing to write as written before any round', () => {
    const plan = planRounds([null, write('a', 2), null]);
    assert.deepEqual(offsets(plan.rounds), [[2]]);
    assert.deepEqual(plan.roundOf, [-1, 0, -1]);
  });

  it('plans no round for a chunk of tombstones', () => {
    assert.deepEqual(planRounds([null, null]), { rounds: [], roundOf: [-1, -1] });
  });
});

describe('donePrefix', () => {
  const roundOf = [-1, 0, 0, 1, 0, 2, 1, -1];

  it('covers nothing but leading skipped records before the first round', () => {
    assert.equal(donePrefix(roundOf, 0), 1);
  });

  it('stops at the first record of a round not yet written', () => {
    assert.equal(donePrefix(roundOf, 1), 3);
    assert.equal(donePrefix(roundOf, 2), 5);
  });

  it('covers the whole chunk once every round is written', () => {
    assert.equal(donePrefix(roundOf, 3), roundOf.length);
  });
});

describe('backoffMs', () => {
  it('starts near 100 ms, doubles, and levels off at 5 s, each within 20 % jitter', () => {
    assert.equal(backoffMs(0, () => 0.5), 100);
    assert.equal(backoffMs(3, () => 0.5), 800);
    assert.equal(backoffMs(40, () => 0.5), 5000);
    assert.equal(backoffMs(40, () => 1), 6000);
    assert.equal(backoffMs(0, () => 0), 80);
  });
});

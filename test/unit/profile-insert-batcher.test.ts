/**
 * The group commit of the profile writer: what joins which insert, and who hears of what
 * failure. The server's side (duplicate keys on FerretDB and MongoDB) is covered end to end
 * in profile-apply.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { InsertBatcher } from '../../src/services/profile/insert-batcher.js';

function recording(fail?: (docs: number[]) => unknown) {
  const calls: number[][] = [];
  let release: () => void = () => {};
  const batcher = new InsertBatcher<number>({
    insertMany: async (docs) => {
      calls.push(docs);
      // The first call stays in flight until the test releases it.
      if (calls.length === 1) await new Promise<void>((resolve) => { release = resolve; });
      const error = fail?.(docs);
      if (error) throw error;
    },
    nowMs: () => 1000 + calls.length,
    maxDocuments: 4,
  });
  return { batcher, calls, release: () => release() };
}

test('inserts that arrive while one is in flight go out together, up to the size limit', async () => {
  const { batcher, calls, release } = recording();
  const first = batcher.insert(() => [1, 2]);
  const waiting = [batcher.insert(() => [3, 4]), batcher.insert(() => [5]),
    batcher.insert(() => [6, 7])];
  release();
  const outcomes = await Promise.all([first, ...waiting]);

  assert.deepEqual(calls, [[1, 2], [3, 4, 5], [6, 7]]);
  assert.deepEqual(outcomes.map((o) => o.writtenAtMs), [1000, 1001, 1001, 1002]);
  assert.ok(outcomes.every((o) => o.failed.size === 0 && o.error === null));
});

test('one caller larger than the limit still goes out, alone', async () => {
  const { batcher, calls, release } = recording();
  const first = batcher.insert(() => [1]);
  const big = batcher.insert(() => [2, 3, 4, 5, 6, 7, 8]);
  release();
  await Promise.all([first, big]);
  assert.deepEqual(calls, [[1], [2, 3, 4, 5, 6, 7, 8]]);
});

test('a failure of the whole call reaches every caller of that call only', async () => {
  const down = new Error('connection reset');
  const { batcher, release } = recording((docs) => (docs.includes(3) ? down : undefined));
  const first = batcher.insert(() => [1]);
  const second = batcher.insert(() => [3]);
  const third = batcher.insert(() => [4]);
  release();
  assert.equal((await first).failed.size, 0);
  await assert.rejects(second, /connection reset/);
  await assert.rejects(third, /connection reset/);
  // The batcher is not stuck after a failure.
  assert.equal((await batcher.insert(() => [9])).failed.size, 0);
});

test('a caller whose documents cannot be built is refused alone', async () => {
  const { batcher, calls, release } = recording();
  const first = batcher.insert(() => [1]);
  const broken = batcher.insert(() => { throw new Error('bad change'); });
  const fine = batcher.insert(() => [2]);
  release();
  await first;
  await assert.rejects(broken, /bad change/);
  await fine;
  assert.deepEqual(calls, [[1], [2]]);
});

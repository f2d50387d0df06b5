import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { isLabError } from '../../src/errors.js';
import { withLabLock } from '../../src/runtime/lab-lock.js';
import { tempDir } from '../support/temp-dir.js';

test('a second command on a locked lab fails at once, naming the holder', async () => {
  // Two `up` at once raced for ports and the state file and failed with a misleading error.
  const dir = tempDir('lock');
  writeFileSync(join(dir, 'state.json'), '{}');
  await withLabLock(dir, 'up', async () => {
    await assert.rejects(withLabLock(dir, 'scale', async () => 'ran'), (error) =>
      isLabError(error) && error.code === 'BUSY' && /`up`, pid \d+/.test(error.message));
  });
  assert.equal(existsSync(join(dir, 'authlab.lock')), false, 'the lock is released');
  assert.equal(await withLabLock(dir, 'down', async () => 'ran'), 'ran');
});

test('a lock left by a process that is gone is taken over', async () => {
  const dir = tempDir('lock');
  writeFileSync(join(dir, 'authlab.lock'), JSON.stringify({ pid: 2 ** 22 + 7, pidStartTicks: 1,
    command: 'up' }));
  assert.equal(await withLabLock(dir, 'up', async () => 'ran'), 'ran');
});

test('a command pointed at a folder that holds no lab leaves its files alone', async () => {
  // A user's own file named "lock" was once taken for a stale lock and deleted.
  const dir = tempDir('lock');
  writeFileSync(join(dir, 'lock'), 'my lock notes');
  writeFileSync(join(dir, 'authlab.lock'), 'not ours');
  assert.equal(await withLabLock(dir, 'down', async () => 'ran'), 'ran');
  assert.equal(readFileSync(join(dir, 'lock'), 'utf8'), 'my lock notes');
  assert.equal(readFileSync(join(dir, 'authlab.lock'), 'utf8'), 'not ours');
  await assert.rejects(withLabLock(dir, 'up', async () => 'ran'), (error) =>
    isLabError(error) && error.code === 'BAD_INPUT');
  assert.equal(readFileSync(join(dir, 'authlab.lock'), 'utf8'), 'not ours');
});

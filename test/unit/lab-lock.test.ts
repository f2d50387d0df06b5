import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { isLabError } from '../../src/errors.js';
import { withLabLock } from '../../src/runtime/lab-lock.js';

test('a second command on a locked lab fails at once, naming the holder', async () => {
  // Two `up` at once raced for ports and the state file and failed with a misleading error.
  const dir = mkdtempSync(join(tmpdir(), 'authlab-lock-'));
  await withLabLock(dir, 'up', async () => {
    await assert.rejects(withLabLock(dir, 'scale', async () => 'ran'), (error) =>
      isLabError(error) && error.code === 'BUSY' && /`up`, pid \d+/.test(error.message));
  });
  assert.equal(existsSync(join(dir, 'lock')), false, 'the lock is released');
  assert.equal(await withLabLock(dir, 'down', async () => 'ran'), 'ran');
});

test('a lock left by a process that is gone is taken over', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'authlab-lock-'));
  writeFileSync(join(dir, 'lock'), JSON.stringify({ pid: 2 ** 22 + 7, pidStartTicks: 1,
    command: 'up' }));
  assert.equal(await withLabLock(dir, 'up', async () => 'ran'), 'ran');
});

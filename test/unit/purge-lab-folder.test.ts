import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { isLabError } from '../../src/errors.js';
import { purgeLabFolder } from '../../src/runtime/purge-lab-folder.js';
import { tempDir } from '../support/temp-dir.js';

function folder(): string {
  return tempDir('purge');
}

test('purging a folder that is not a lab removes nothing and says so', () => {
  // `down --purge --lab-dir` on a project folder once deleted it whole.
  const dir = folder();
  mkdirSync(join(dir, 'important'));
  writeFileSync(join(dir, 'important', 'thesis.txt'), 'years of work');
  assert.throws(() => purgeLabFolder(dir), (error) =>
    isLabError(error) && error.exitCode === 2 && /not a lab folder/.test(error.message));
  assert.equal(readFileSync(join(dir, 'important', 'thesis.txt'), 'utf8'), 'years of work');
});

test('purging a lab removes the lab\'s entries and keeps anything else', () => {
  const dir = folder();
  for (const sub of ['config', 'logs', 'data/kafka']) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, 'state.json'), '{}');
  writeFileSync(join(dir, 'secrets.json'), '{}');
  writeFileSync(join(dir, 'notes.txt'), 'mine');
  purgeLabFolder(dir);
  assert.ok(existsSync(join(dir, 'notes.txt')));
  for (const entry of ['config', 'logs', 'data', 'state.json', 'secrets.json']) {
    assert.equal(existsSync(join(dir, entry)), false, `${entry} is gone`);
  }
});

test('purging a lab folder that holds only the lab removes the folder', () => {
  const dir = folder();
  mkdirSync(join(dir, 'logs'));
  writeFileSync(join(dir, 'state.json'), '{}');
  purgeLabFolder(dir);
  assert.equal(existsSync(dir), false);
});

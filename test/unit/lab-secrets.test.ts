import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { loadOrCreateSecrets, newKafkaClusterId } from '../../src/stack/secrets.js';
import { tempDir } from '../support/temp-dir.js';

test('a Kafka cluster id is 22 base64url characters and never starts with "-"', () => {
  // A leading "-" made Kafka's storage tool read the id as an option: `up` failed 1 time in 64.
  for (let i = 0; i < 5000; i += 1) {
    const id = newKafkaClusterId();
    assert.match(id, /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  }
});

test('secrets are created once, kept owner-only, and read back unchanged', () => {
  const dir = tempDir('secrets');
  const first = loadOrCreateSecrets(dir);
  const again = loadOrCreateSecrets(dir);
  assert.deepEqual(again, first);
  assert.equal(statSync(join(dir, 'secrets.json')).mode & 0o777, 0o600);
  assert.ok(first.jwtSecret.length >= 43, 'the JWT key has at least 256 bits');
});

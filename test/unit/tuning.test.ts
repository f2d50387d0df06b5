/**
 * Tuning profiles as a lab reads them: a lab switched to a profile whose file is later
 * renamed or deleted must still be readable (status, down, the next experiment), and a name
 * asked for on the command line must exist.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { isLabError } from '../../src/errors.js';
import { loadTuning, recordedTuning, tuningNames } from '../../src/stack/tuning.js';

test('the shipped profiles load', () => {
  assert.deepEqual(tuningNames(), ['default', 'low-latency']);
  assert.equal(loadTuning('low-latency').profileConsumer.maxWaitMs, 10);
});

test('a recorded profile whose file is gone reads as the default instead of failing', () => {
  assert.equal(recordedTuning('gone-since').name, 'default');
  assert.equal(recordedTuning(undefined).name, 'default');
  assert.equal(recordedTuning('low-latency').name, 'low-latency');
});

test('a profile asked for by name must exist', () => {
  assert.throws(() => loadTuning('gone-since'), (error: unknown) =>
    isLabError(error) && error.code === 'BAD_INPUT' && /profiles: default, low-latency/
      .test(error.message));
});

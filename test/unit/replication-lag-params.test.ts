/**
 * replication-lag's own options: every bad value or combination is refused before the run
 * folder exists, as BAD_INPUT (exit 2) naming the flag, instead of being ignored.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { replicationLag } from '../../experiments/replication-lag.js';
import { isLabError } from '../../src/errors.js';
import { parseParams } from '../../src/experiments/parse-params.js';

const parse = (args: string[]) => parseParams('replication-lag', replicationLag.params, args);

test('bad replication-lag options are refused with the reason', () => {
  const cases: [string[], RegExp][] = [
    [['--rates', ''], /--rates needs at least one rate/],
    [['--rates', '100,abc'], /"abc" is not a rate/],
    [['--rates', '100,100'], /--rates repeats a rate/],
    [['--rates', '100', '--count', '50'], /--rates and --count cannot be used together/],
    [['--rate', '20', '--rates', '100'], /--rates and --rate cannot be used together/],
    [['--watcher', 'bogus'], /--watcher must be one of auto, storage, wire/],
    [['--poll-interval', '0.5'], /--poll-interval must be at least 1/],
    [['--poll-interval', 'abc'], /--poll-interval/],
  ];
  for (const [args, message] of cases) {
    assert.throws(() => parse(args), (error: unknown) =>
      isLabError(error) && error.code === 'BAD_INPUT' && message.test(error.message),
    `${args.join(' ')} should fail with ${message}`);
  }
});

test('a sweep with its duration and a single run with count and rate are accepted', () => {
  assert.equal(parse(['--rates', '100, 500', '--duration', '3']).rates, '100,500');
  const single = parse(['--count', '10', '--rate', '5', '--watcher', 'wire']);
  assert.deepEqual([single.count, single.rate, single.watcher], [10, 5, 'wire']);
});

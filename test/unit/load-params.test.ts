import { test } from 'node:test';
import assert from 'node:assert/strict';

import { load } from '../../experiments/load.js';
import { scaleAuth } from '../../experiments/scale-auth.js';
import { isLabError } from '../../src/errors.js';
import { parseParams } from '../../src/experiments/parse-params.js';

test('bad load parameters are refused with exit status 2 and the reason', () => {
  const cases: [string[], RegExp][] = [
    [['--rate', '0'], /--rate must be greater than 0/],
    [['--rate', '-3'], /--rate must be greater than 0/],
    [['--duration', '601'], /--duration must be at most 600/],
    [['--mix', 'signup=-1,login=2'], /weight of signup is negative/],
    [['--mix', 'login=1,logout=1'], /unknown operation "logout"/],
    [['--target', 'http://192.168.1.10:80'], /not loopback/],
    [['--target', 'http://example.com:80'], /not loopback/],
    [['--connections', '0'], /--connections must be at least 1/],
    [['--mode', 'half-open'], /--mode must be one of open, closed/],
  ];
  for (const [args, want] of cases) {
    assert.throws(() => parseParams('load', load.params, args), (error: unknown) => {
      assert.ok(isLabError(error), args.join(' '));
      assert.equal(error.exitCode, 2);
      assert.match(error.message, want);
      return true;
    });
  }
});

test('scale-auth refuses a bad replica list', () => {
  for (const raw of ['0,1', '1,x', '1,1', '1,33', '']) {
    assert.throws(() => parseParams('scale-auth', scaleAuth.params, ['--replicas', raw]),
      (error: unknown) => isLabError(error) && error.exitCode === 2, raw);
  }
});

test('good load parameters keep their values and the defaults fill the rest', () => {
  const params = parseParams('load', load.params,
    ['--rate', '250', '--mix=login=3,me=1', '--target', 'http://localhost:9000',
      '--mode', 'closed']);
  assert.equal(params.rate, 250);
  assert.equal(params.mix, 'login=3,me=1');
  assert.equal(params.target, 'http://localhost:9000');
  assert.equal(params.mode, 'closed');
  assert.equal(params.duration, 10);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { isLabError } from '../../src/errors.js';
import { MixPicker, parseMix, type OperationName } from '../../src/load/mix.js';

test('a mix is parsed from operation=weight pairs', () => {
  const cases: [string, Record<string, number>][] = [
    ['signup=10,login=60,refresh=20,me=10', { signup: 10, login: 60, refresh: 20, me: 10 }],
    [' login:3 , me=1 ', { login: 3, me: 1 }],
    ['healthz=1,me=0', { healthz: 1, me: 0 }],
    ['login=0.5,me=1.5', { login: 0.5, me: 1.5 }],
  ];
  for (const [raw, want] of cases) assert.deepEqual({ ...parseMix(raw) }, want, raw);
});

test('a bad mix is refused as bad input naming the problem', () => {
  const cases: [string, RegExp][] = [
    ['login=-5', /negative/],
    ['lgin=5', /unknown operation "lgin"; known: signup, login, refresh, me, healthz/],
    ['login=5,login=3', /given twice/],
    ['login=0,me=0', /every weight is 0/],
    ['login', /not operation=weight/],
    ['login=abc', /must be a number/],
    ['login=1e3', /must be a number/],
    ['login=2000000', /must be a number from 0 to 1000000/],
    ['', /empty/],
  ];
  for (const [raw, want] of cases) {
    assert.throws(() => parseMix(raw), (error: unknown) => {
      assert.ok(isLabError(error), raw);
      assert.equal(error.code, 'BAD_INPUT');
      assert.equal(error.exitCode, 2);
      assert.match(error.message, want, raw);
      return true;
    });
  }
});

function picks(picker: MixPicker, count: number): OperationName[] {
  return Array.from({ length: count }, () => picker.next());
}

function tally(ops: OperationName[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const op of ops) counts[op] = (counts[op] ?? 0) + 1;
  return counts;
}

test('every cycle of the picker holds each operation exactly its weight', () => {
  const picker = new MixPicker(parseMix('signup=10,login=60,refresh=20,me=10'));
  for (let cycle = 0; cycle < 3; cycle += 1) {
    assert.deepEqual(tally(picks(picker, 100)), { signup: 10, login: 60, refresh: 20, me: 10 });
  }
});

test('an operation with weight 0 is never picked', () => {
  const picker = new MixPicker(parseMix('login=1,me=0,healthz=2'));
  assert.deepEqual(tally(picks(picker, 30)), { login: 10, healthz: 20 });
});

test('workers taking every n-th pick together follow the single sequence', () => {
  const mix = parseMix('signup=1,login=6,refresh=2,me=1');
  const single = picks(new MixPicker(mix), 40);
  const workers = 3;
  const merged: OperationName[] = new Array(40);
  for (let k = 0; k < workers; k += 1) {
    const picker = new MixPicker(mix);
    picker.skip(k);
    for (let i = k; i < 40; i += workers) {
      merged[i] = picker.next();
      picker.skip(workers - 1);
    }
  }
  assert.deepEqual(merged, single);
});

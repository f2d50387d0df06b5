import { test } from 'node:test';
import assert from 'node:assert/strict';

import { isLabError } from '../../src/errors.js';
import { checkTargetSpec, isLoopbackHost, loopbackOrigin } from '../../src/load/target.js';

test('loopback URLs are accepted and reduced to their origin', () => {
  const cases: [string, string][] = [
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080'],
    ['http://127.1.2.3:80', 'http://127.1.2.3'],
    ['http://localhost:9000', 'http://127.0.0.1:9000'],
    ['http://[::1]:9000', 'http://[::1]:9000'],
  ];
  for (const [raw, want] of cases) assert.equal(loopbackOrigin(raw), want, raw);
});

test('a target that is not loopback, or not a plain http origin, is bad input', () => {
  const cases: [string, RegExp][] = [
    ['http://10.0.0.1:80', /not loopback/],
    ['http://example.com', /not loopback/],
    ['http://127.0.0.1.example.com', /not loopback/],
    ['http://0.0.0.0:80', /not loopback/],
    ['http://[::ffff:7f00:1]:80', /not loopback/],
    ['https://127.0.0.1:443', /http:\/\/ URL/],
    ['http://127.0.0.1:80/auth', /origin only/],
    ['http://user:pw@127.0.0.1:80', /origin only/],
    ['auth-x', /neither a lab replica/],
    ['', /neither a lab replica/],
  ];
  for (const [raw, want] of cases) {
    assert.throws(() => checkTargetSpec(raw), (error: unknown) => {
      assert.ok(isLabError(error) && error.exitCode === 2, raw);
      assert.match(error.message, want, raw);
      return true;
    });
  }
});

test('lab replica names are accepted as targets', () => {
  for (const spec of ['nginx', 'auth-1', 'auth-12', 'replicas', 'auto']) {
    assert.equal(checkTargetSpec(spec), spec);
  }
});

test('only 127.0.0.0/8, ::1 and localhost are loopback hosts', () => {
  assert.ok(isLoopbackHost('127.0.0.1'));
  assert.ok(isLoopbackHost('127.255.255.254'));
  assert.ok(!isLoopbackHost('127.0.0.256'));
  assert.ok(!isLoopbackHost('128.0.0.1'));
  assert.ok(!isLoopbackHost('127.0.0'));
});

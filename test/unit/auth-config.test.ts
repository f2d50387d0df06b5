import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { isLabError } from '../../src/errors.js';
import { loadAuthConfig } from '../../src/services/auth/config.js';

const GOOD = {
  AUTHLAB_REPLICA: 'auth-1',
  AUTHLAB_HTTP_PORT: '15480',
  AUTHLAB_PG_URL: 'postgres://authlab:pw@127.0.0.1:15400/authlab',
  AUTHLAB_REDIS_URL: 'redis://:pw@127.0.0.1:15401/0',
  AUTHLAB_JWT_SECRET: 's'.repeat(32),
};

describe('loadAuthConfig', () => {
  it('fills the defaults and freezes the result', () => {
    const config = loadAuthConfig(GOOD);
    assert.equal(config.jwtIssuer, 'authlab');
    assert.equal(config.jwtAudience, 'authlab-api');
    assert.equal(config.bcryptCost, 10);
    assert.equal(config.pgPoolMax, 10);
    assert.equal(config.accessTtlS, 900);
    assert.equal(config.refreshTtlS, 1_209_600);
    assert.equal(config.stallMs, 0);
    assert.ok(Object.isFrozen(config));
  });

  const refused: [string, Record<string, string | undefined>, RegExp][] = [
    ['no replica', { AUTHLAB_REPLICA: undefined }, /AUTHLAB_REPLICA is required/],
    ['a replica with a space', { AUTHLAB_REPLICA: 'auth 1' }, /AUTHLAB_REPLICA/],
    ['no port', { AUTHLAB_HTTP_PORT: undefined }, /AUTHLAB_HTTP_PORT is required/],
    ['port 0', { AUTHLAB_HTTP_PORT: '0' }, /AUTHLAB_HTTP_PORT must be at least 1/],
    ['port 65536', { AUTHLAB_HTTP_PORT: '65536' }, /at most 65535/],
    ['a port of "80a"', { AUTHLAB_HTTP_PORT: '80a' }, /whole number/],
    ['a Postgres URL that is not a URL', { AUTHLAB_PG_URL: 'localhost:5432' }, /AUTHLAB_PG_URL/],
    ['a mysql URL', { AUTHLAB_PG_URL: 'mysql://u:p@h/db' }, /postgres/],
    ['an http Redis URL', { AUTHLAB_REDIS_URL: 'http://127.0.0.1:6379' }, /AUTHLAB_REDIS_URL/],
    ['a 31-byte secret', { AUTHLAB_JWT_SECRET: 's'.repeat(31) }, /at least 32 bytes/],
    ['no secret', { AUTHLAB_JWT_SECRET: undefined }, /got 0/],
    ['bcrypt cost 3', { AUTHLAB_BCRYPT_COST: '3' }, /AUTHLAB_BCRYPT_COST must be at least 4/],
    ['bcrypt cost 16', { AUTHLAB_BCRYPT_COST: '16' }, /at most 15/],
    ['bcrypt cost 10.5', { AUTHLAB_BCRYPT_COST: '10.5' }, /whole number/],
    ['pool max 0', { AUTHLAB_PG_POOL_MAX: '0' }, /AUTHLAB_PG_POOL_MAX/],
    ['a negative stall', { AUTHLAB_STALL_MS: '-1' }, /AUTHLAB_STALL_MS/],
    [
      'a refresh TTL shorter than the access TTL',
      { AUTHLAB_ACCESS_TTL_S: '900', AUTHLAB_REFRESH_TTL_S: '600' },
      /at least AUTHLAB_ACCESS_TTL_S/,
    ],
  ];
  for (const [title, change, message] of refused) {
    it(`refuses ${title} with BAD_INPUT`, () => {
      assert.throws(
        () => loadAuthConfig({ ...GOOD, ...change }),
        (error) => isLabError(error) && error.code === 'BAD_INPUT' && message.test(error.message),
      );
    });
  }

  it('never echoes a URL, which holds a password', () => {
    assert.throws(
      () => loadAuthConfig({ ...GOOD, AUTHLAB_PG_URL: 'mysql://u:secret-pw@h/db' }),
      (error) => error instanceof Error && !error.message.includes('secret-pw'),
    );
  });
});

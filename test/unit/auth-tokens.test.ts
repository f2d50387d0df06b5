import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { loadAuthConfig } from '../../src/services/auth/config.js';
import { HttpError } from '../../src/services/auth/errors.js';
import { bearerToken, createAccessTokens } from '../../src/services/auth/tokens.js';

const config = loadAuthConfig({
  AUTHLAB_REPLICA: 'auth-1',
  AUTHLAB_HTTP_PORT: '15480',
  AUTHLAB_PG_URL: 'postgres://u:p@127.0.0.1:1/db',
  AUTHLAB_REDIS_URL: 'redis://:p@127.0.0.1:1/0',
  AUTHLAB_JWT_SECRET: 's'.repeat(32),
});

const statusOf = (work: () => unknown): number => {
  try {
    work();
    return 200;
  } catch (error) {
    assert.ok(error instanceof HttpError);
    return error.status;
  }
};

describe('bearerToken', () => {
  const cases: [string, string[] | undefined, number][] = [
    ['no header', undefined, 401],
    ['an empty list', [], 401],
    ['"Bearer abc"', ['Bearer abc'], 200],
    ['"bearer abc" (scheme is case-insensitive)', ['bearer abc'], 200],
    ['"Bearer  abc " (extra spaces)', ['Bearer  abc '], 200],
    ['"Bearer"', ['Bearer'], 401],
    ['"Bearer "', ['Bearer '], 401],
    ['"Basic abc"', ['Basic abc'], 401],
    ['"Bearer a b"', ['Bearer a b'], 401],
    ['"abc" without scheme', ['abc'], 401],
    ['two headers', ['Bearer a', 'Bearer a'], 400],
  ];
  for (const [title, values, status] of cases) {
    it(`answers ${status} for ${title}`, () => {
      assert.equal(statusOf(() => bearerToken(values)), status);
    });
  }
});

describe('access tokens', () => {
  const tokens = createAccessTokens(config);
  const userId = '6f1c1a3e-8d2b-4c8e-9a53-0c2f3a1b7d44';

  it('verifies what it signs and returns the user id', () => {
    assert.equal(tokens.verify(tokens.sign(userId)), userId);
  });

  it('refuses a token that is not three base64url parts', () => {
    assert.equal(statusOf(() => tokens.verify('a.b')), 401);
    assert.equal(statusOf(() => tokens.verify('a.b.c.d')), 401);
    assert.equal(statusOf(() => tokens.verify('a b.c.d')), 401);
  });
});

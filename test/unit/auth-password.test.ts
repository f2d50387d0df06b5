import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  checkPassword,
  createPasswordHasher,
  isHashable,
  MAX_PASSWORD_BYTES,
} from '../../src/services/auth/passwords.js';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describe('checkPassword', () => {
  const cases: [string, string, boolean][] = [
    // [title, password, accepted]
    ['8 ASCII characters', 'abcdefgh', true],
    ['7 ASCII characters', 'abcdefg', false],
    ['empty', '', false],
    ['8 emoji (8 characters, 32 bytes)', '😀'.repeat(8), true],
    ['7 emoji (14 UTF-16 units, but 7 characters)', '😀'.repeat(7), false],
    ['72 ASCII bytes', 'a'.repeat(72), true],
    ['73 ASCII bytes', 'a'.repeat(73), false],
    ['36 × é (2 bytes each: 72)', 'é'.repeat(36), true],
    ['36 × é + a (73 bytes)', `${'é'.repeat(36)}a`, false],
    ['24 × € (3 bytes each: 72)', '€'.repeat(24), true],
    ['24 × € + a (73 bytes)', `${'€'.repeat(24)}a`, false],
    ['23 × € + ab (71 bytes, then 73 with one more €)', `${'€'.repeat(23)}ab`, true],
    ['18 emoji (4 bytes each: 72)', '😀'.repeat(18), true],
    ['18 emoji + a (73 bytes)', `${'😀'.repeat(18)}a`, false],
    ['36 × é typed in NFD (108 bytes typed, 72 once NFC)', 'e\u0301'.repeat(36), true],
    ['37 × é typed in NFD (74 bytes once NFC)', 'e\u0301'.repeat(37), false],
    ['a NUL among 8 characters (bcryptjs hashes it)', 'abc\u0000defgh', true],
    ['a lone high surrogate', 'abcdefgh\ud800', false],
    ['a lone low surrogate', '\udc00abcdefgh', false],
    ['spaces only, 8 of them', '        ', true],
  ];
  for (const [title, password, accepted] of cases) {
    it(`${accepted ? 'accepts' : 'refuses'} ${title}`, () => {
      const result = checkPassword(password);
      assert.equal(result.ok, accepted, JSON.stringify(result));
      if (result.ok) assert.ok(bytes(result.password) <= MAX_PASSWORD_BYTES);
    });
  }

  it('returns the NFC form, the one that is hashed', () => {
    const result = checkPassword('e\u0301'.repeat(8));
    assert.deepEqual(result, { ok: true, password: '\u00e9'.repeat(8) });
  });
});

describe('isHashable', () => {
  it('accepts short passwords: login does not enforce the signup minimum', () => {
    assert.equal(isHashable('abc'), true);
  });
  it('refuses anything bcrypt would truncate', () => {
    assert.equal(isHashable('€'.repeat(24)), true);
    assert.equal(isHashable(`${'€'.repeat(24)}x`), false);
  });
});

describe('PasswordHasher', () => {
  const observed: string[] = [];
  const hasher = createPasswordHasher(4, (op) => observed.push(op));

  it('verifies the password it hashed, in either Unicode form', async () => {
    const passwords = await hasher;
    const hash = await passwords.hash('\u00e9'.repeat(8));
    assert.equal(await passwords.verify('\u00e9'.repeat(8), hash), true);
    assert.equal(await passwords.verify('e\u0301'.repeat(8), hash), true);
    assert.equal(await passwords.verify('\u00e9'.repeat(7), hash), false);
  });

  it('refuses a 72-byte password plus one byte, which bcrypt alone would accept', async () => {
    const passwords = await hasher;
    const hash = await passwords.hash('€'.repeat(24));
    assert.equal(await passwords.verify(`${'€'.repeat(24)}x`, hash), false);
  });

  it('pays one compare for an unknown account and for unusable input', async () => {
    const passwords = await hasher;
    observed.length = 0;
    assert.equal(await passwords.verify('whatever-1', undefined), false);
    assert.equal(await passwords.verify('x'.repeat(100), undefined), false);
    assert.deepEqual(observed, ['compare', 'compare']);
  });
});

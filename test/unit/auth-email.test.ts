import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { normalizeEmail } from '../../src/services/auth/email.js';

/** Exactly 254 bytes: "ann@", three 62-character labels, one of 57, "com", four dots. */
const LONG_DOMAIN = [...['a', 'b', 'c'].map((c) => c.repeat(62)), 'd'.repeat(57), 'com'];
const LONG_DOMAIN_EMAIL = `ann@${LONG_DOMAIN.join('.')}`;
const LOCAL_64 = `${'a'.repeat(64)}@example.com`;

describe('normalizeEmail', () => {
  it('builds its 254-byte fixture right', () => {
    assert.equal(Buffer.byteLength(LONG_DOMAIN_EMAIL), 254);
  });

  const accepted: [string, string, string, string][] = [
    // [title, input, stored email, comparison key]
    ['keeps a plain address', 'ann@example.com', 'ann@example.com', 'ann@example.com'],
    ['lower-cases the key only', 'Ann@Example.COM', 'Ann@Example.COM', 'ann@example.com'],
    ['trims ASCII spaces', ' \tann@example.com\n', 'ann@example.com', 'ann@example.com'],
    ['trims no-break spaces', '\u00a0ann@example.com\u3000', 'ann@example.com', 'ann@example.com'],
    ['trims a byte-order mark', '\ufeffann@example.com', 'ann@example.com', 'ann@example.com'],
    ['composes NFD to NFC', 'jose\u0301@ex.com', 'jos\u00e9@ex.com', 'jos\u00e9@ex.com'],
    ['keeps NFC as is', 'jos\u00e9@example.com', 'jos\u00e9@example.com', 'jos\u00e9@example.com'],
    ['maps the Kelvin sign to K', '\u212Aim@example.com', 'Kim@example.com', 'kim@example.com'],
    ['folds NFD upper case', 'JOSE\u0301@EX.COM', 'JOS\u00c9@EX.COM', 'jos\u00e9@ex.com'],
    ['keeps ß distinct from ss', 'straße@example.de', 'straße@example.de', 'straße@example.de'],
    ['accepts plus tags and quotes', "o'brien+x@ex.com", "o'brien+x@ex.com", "o'brien+x@ex.com"],
    ['accepts a Unicode domain', 'ann@bücher.de', 'ann@bücher.de', 'ann@bücher.de'],
    ['accepts exactly 254 bytes', LONG_DOMAIN_EMAIL, LONG_DOMAIN_EMAIL, LONG_DOMAIN_EMAIL],
    ['accepts exactly 64 bytes before @', LOCAL_64, LOCAL_64, LOCAL_64],
  ];
  for (const [title, input, email, key] of accepted) {
    it(title, () => {
      assert.deepEqual(normalizeEmail(input), { ok: true, email, key });
    });
  }

  const refused: [string, string][] = [
    ['an empty string', ''],
    ['only spaces', '   '],
    ['no @', 'ann.example.com'],
    ['two @', 'ann@bob@example.com'],
    ['an empty local part', '@example.com'],
    ['an empty domain', 'ann@'],
    ['a domain without a dot', 'ann@localhost'],
    ['a numeric top-level domain', 'ann@10.0.0.1'],
    ['an IP literal', 'ann@[127.0.0.1]'],
    ['a leading dot', '.ann@example.com'],
    ['two dots in a row', 'an..n@example.com'],
    ['a trailing dot in the domain', 'ann@example.com.'],
    ['a label starting with a hyphen', 'ann@-example.com'],
    ['a space inside', 'an n@example.com'],
    ['a zero-width space', 'an\u200bn@example.com'],
    ['a right-to-left override', 'ann\u202e@example.com'],
    ['a NUL', 'ann\u0000@example.com'],
    ['a lone surrogate', 'ann\ud800@example.com'],
    ['fullwidth letters (NFKC would change them)', 'ａｎｎ@example.com'],
    ['a ligature', 'ﬁnn@example.com'],
    ['a superscript digit', 'ann²@example.com'],
    ['SQL', "' OR '1'='1' --"],
    ['a quoted local part', '"ann smith"@example.com'],
    ['65 bytes before @', `${'a'.repeat(65)}@example.com`],
    ['33 two-byte characters before @ (66 bytes)', `${'é'.repeat(33)}@example.com`],
    ['255 bytes', `${LONG_DOMAIN_EMAIL.slice(0, 4)}x${LONG_DOMAIN_EMAIL.slice(4)}`],
    ['a 64-character domain label', `ann@${'a'.repeat(64)}.com`],
  ];
  for (const [title, input] of refused) {
    it(`refuses ${title}`, () => {
      const result = normalizeEmail(input);
      assert.equal(result.ok, false, JSON.stringify(result));
    });
  }

  it('gives one key to spellings that differ by case, spaces and Unicode form', () => {
    const spellings = ['José@Example.com', ' jose\u0301@example.com ', 'JOSE\u0301@EXAMPLE.COM'];
    const keys = spellings.map((input) => {
      const result = normalizeEmail(input);
      assert.ok(result.ok);
      return result.key;
    });
    assert.equal(new Set(keys).size, 1);
  });
});

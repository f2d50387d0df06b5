/**
 * Email addresses: what we keep for display and the key that decides "same account".
 *
 * The key is: trim, NFC, lower-case (locale-independent), NFC again. Why NFC and not NFKC:
 * NFC only merges strings that are the same text in two encodings (é as one code point or
 * as e + combining accent, the Kelvin sign and K), which is exactly "the same address typed
 * on two keyboards"; RFC 6532 asks for NFC in internationalised addresses. NFKC also merges
 * different characters that merely look alike or share a meaning (fullwidth Ａ and A, the
 * ligature ﬁ and fi, ² and 2): silently folding those would make two mailboxes one account.
 * Instead we refuse any address that NFKC would change, so a lookalike written with
 * compatibility characters can neither create a twin account nor be folded into another.
 *
 * Case: the local part is case-sensitive in theory, but no mail system in practice hands
 * Ann@ and ann@ to different people, while users routinely mistype case. toLowerCase is the
 * Unicode default mapping without locale (a Turkish server behaves like any other); we do
 * not use full case folding, which would merge ß with ss, distinct in IDNA2008.
 */
export type EmailCheck =
  | { ok: true; email: string; key: string }
  | { ok: false; reason: string };

/** RFC 5321: a path is at most 256 octets with its brackets, so 254 for the address. */
export const MAX_EMAIL_BYTES = 254;
/** RFC 5321: local part at most 64 octets. */
export const MAX_LOCAL_BYTES = 64;
const MAX_LABEL_CHARS = 63;

/** RFC 5322 atext, plus letters, marks and digits of any script (RFC 6531). */
const LOCAL_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-\p{L}\p{M}\p{N}]+$/u;
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{M}\p{N}-]*[\p{L}\p{M}\p{N}])?$/u;
const HAS_LETTER = /\p{L}/u;
/** Controls, format characters (zero-width space, bidi overrides), separators, unassigned. */
const INVISIBLE_OR_SPACE = /[\p{C}\p{Z}\s]/u;

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
const fail = (reason: string): EmailCheck => ({ ok: false, reason });

function checkLocal(local: string): string | undefined {
  if (local === '') return 'the part before @ is empty';
  if (bytes(local) > MAX_LOCAL_BYTES) return `the part before @ is over ${MAX_LOCAL_BYTES} bytes`;
  const atoms = local.split('.');
  if (atoms.some((atom) => !LOCAL_ATOM.test(atom))) {
    return 'the part before @ has a character not allowed there, or a misplaced dot';
  }
  return undefined;
}

function checkDomain(domain: string): string | undefined {
  const labels = domain.split('.');
  if (labels.length < 2) return 'the domain needs at least one dot (example.com)';
  for (const label of labels) {
    if (label.length > MAX_LABEL_CHARS) return 'a domain label is over 63 characters';
    if (!DOMAIN_LABEL.test(label)) return `the domain label "${label}" is not valid`;
  }
  const tld = labels[labels.length - 1] ?? '';
  if (!HAS_LETTER.test(tld)) return 'the domain must end in a name, not a number';
  return undefined;
}

export function normalizeEmail(input: string): EmailCheck {
  const email = input.trim().normalize('NFC');
  if (email === '') return fail('email is empty');
  if (bytes(email) > MAX_EMAIL_BYTES) return fail(`email is over ${MAX_EMAIL_BYTES} bytes`);
  if (INVISIBLE_OR_SPACE.test(email)) {
    return fail('email contains a space, control or invisible character');
  }
  if (email.normalize('NFKC') !== email) {
    return fail('email contains compatibility characters (fullwidth, ligatures...); retype it');
  }

  const at = email.lastIndexOf('@');
  if (at < 0 || email.indexOf('@') !== at) return fail('email must contain exactly one @');
  const problem = checkLocal(email.slice(0, at)) ?? checkDomain(email.slice(at + 1));
  if (problem !== undefined) return fail(problem);

  const key = email.toLowerCase().normalize('NFC');
  return { ok: true, email, key };
}

/**
 * Password rules and hashing.
 *
 * bcrypt reads at most 72 bytes, so a longer password would be cut silently and anything
 * sharing its first 72 bytes would log in. We refuse such passwords at signup and never
 * let one reach bcrypt at login. The rules count what is hashed: the NFC form in UTF-8
 * (RFC 8265's OpaqueString also normalises to NFC), so é typed precomposed or decomposed
 * is the same password, and 24 × "€" (72 bytes) passes while 24 × "€" + "a" does not.
 */
import { randomUUID } from 'node:crypto';

import bcrypt from 'bcryptjs';

export const MIN_PASSWORD_CHARS = 8;
export const MAX_PASSWORD_BYTES = 72;

/** Lone UTF-16 surrogates become U+FFFD in UTF-8: three different inputs, one hash. */
const LONE_SURROGATE = /\p{Cs}/u;

export type PasswordCheck = { ok: true; password: string } | { ok: false; reason: string };

/** The form that is hashed and compared. */
export function normalizePassword(password: string): string {
  return password.normalize('NFC');
}

/**
 * Whether bcrypt would see the whole password. Login uses this instead of the full policy,
 * so raising the minimum length later does not lock out accounts made before.
 */
export function isHashable(input: string): boolean {
  if (LONE_SURROGATE.test(input)) return false;
  return Buffer.byteLength(normalizePassword(input), 'utf8') <= MAX_PASSWORD_BYTES;
}

export function checkPassword(input: string): PasswordCheck {
  if (LONE_SURROGATE.test(input)) {
    return { ok: false, reason: 'password contains an invalid UTF-16 sequence' };
  }
  const password = normalizePassword(input);
  const chars = Array.from(password).length;
  if (chars < MIN_PASSWORD_CHARS) {
    return { ok: false, reason: `password must be at least ${MIN_PASSWORD_CHARS} characters` };
  }
  const bytes = Buffer.byteLength(password, 'utf8');
  if (bytes > MAX_PASSWORD_BYTES) {
    return {
      ok: false,
      reason: `password is ${bytes} bytes in UTF-8; the limit is ${MAX_PASSWORD_BYTES}`,
    };
  }
  return { ok: true, password };
}

export type BcryptOp = 'hash' | 'compare';
export type BcryptTimer = (op: BcryptOp, seconds: number) => void;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /**
   * Compares against `hash`, or against a dummy hash of the same cost when there is no
   * account, so an unknown email costs as much time as a wrong password.
   */
  verify(password: string, hash: string | undefined): Promise<boolean>;
}

export async function createPasswordHasher(
  cost: number,
  observe: BcryptTimer,
): Promise<PasswordHasher> {
  const timed = async <T>(op: BcryptOp, work: () => Promise<T>): Promise<T> => {
    const startNs = process.hrtime.bigint();
    try {
      return await work();
    } finally {
      observe(op, Number(process.hrtime.bigint() - startNs) / 1e9);
    }
  };

  // Its plaintext is random and thrown away: nothing can ever match the dummy.
  const dummyHash = await bcrypt.hash(randomUUID(), cost);

  return {
    hash: (password) => timed('hash', () => bcrypt.hash(password, cost)),

    verify: async (password, hash) => {
      // Unusable input (too long, invalid) still pays for one compare, against the dummy.
      const usable = isHashable(password);
      const target = usable && hash !== undefined ? hash : dummyHash;
      const candidate = usable ? normalizePassword(password) : 'x';
      const match = await timed('compare', () => bcrypt.compare(candidate, target));
      return match && usable && hash !== undefined;
    },
  };
}

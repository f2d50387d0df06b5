/**
 * Refresh tokens in Redis. A token is 256 random bits (base64url); Redis only ever sees its
 * SHA-256, so a dump of Redis yields no usable token.
 *
 * Keys:
 *   authlab:rt:<sha256 hex>  hash { user, family, state: active|rotated }, one per token
 *   authlab:rf:<family id>   "1" while the family (one login and all its rotations) lives
 *
 * A family's lifetime is absolute: it is set at login to the refresh TTL and every token of
 * the family expires with it, so rotating forever cannot keep a stolen session alive.
 * Revoking a family deletes its marker; its token records stay until they expire, which
 * keeps a reused token recognisable and costs nothing since none of them works any more.
 */
import { createHash, randomBytes } from 'node:crypto';

import type { Redis } from 'ioredis';

import { LabError } from '../../errors.js';

const TOKEN_BYTES = 32;
/** base64url of 32 bytes, no padding. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;
const PREFIX = 'authlab';

const tokenKey = (token: string): string =>
  `${PREFIX}:rt:${createHash('sha256').update(token).digest('hex')}`;
const familyKey = (familyId: string): string => `${PREFIX}:rf:${familyId}`;

/**
 * Rotation, atomically: Redis runs a script alone, so of two refreshes racing with the same
 * token exactly one sees it active. The other sees it rotated, which is what reuse looks
 * like, and revokes the family.
 * KEYS: old token, family marker, new token. ARGV: family id. Returns a status word.
 *
 * Limitation: if the reply is lost (command timeout on a paused Redis, a dropped
 * connection) after the script ran, the client gets 503 while its token is already
 * rotated; its retry then looks like reuse and ends the session. A short grace window in
 * which the rotated token returns the same successor would lift this, at the cost of
 * storing the successor.
 */
const ROTATE_LUA = `
local record = redis.call('HMGET', KEYS[1], 'family', 'user', 'state')
if not record[1] or record[1] ~= ARGV[1] then return 'missing' end
if redis.call('EXISTS', KEYS[2]) == 0 then return 'revoked' end
if record[3] ~= 'active' then
  redis.call('DEL', KEYS[2])
  return 'reused'
end
local ttlMs = redis.call('PTTL', KEYS[2])
if ttlMs <= 0 then return 'revoked' end
redis.call('HSET', KEYS[1], 'state', 'rotated')
redis.call('HSET', KEYS[3], 'user', record[2], 'family', ARGV[1], 'state', 'active')
redis.call('PEXPIRE', KEYS[3], ttlMs)
return 'ok'
`;

export interface RefreshRecord {
  userId: string;
  familyId: string;
}

export type RotateResult =
  | { kind: 'rotated'; token: string }
  | { kind: 'invalid' }
  | { kind: 'reused' };

export interface RefreshStore {
  /** Starts a new family (a login) and returns its first token. */
  issue(userId: string): Promise<string>;
  /** Who a token belongs to, if Redis knows it; says nothing about whether it still works. */
  lookup(token: string): Promise<RefreshRecord | undefined>;
  rotate(token: string, familyId: string): Promise<RotateResult>;
  revokeFamily(familyId: string): Promise<void>;
}

/** Told about every command's outcome: feeds the error metric and the up/down log. */
export interface CommandObserver {
  answered(): void;
  failed(error: LabError): void;
}

const newToken = (): string => randomBytes(TOKEN_BYTES).toString('base64url');

/** Server answers that mean "not available right now" rather than "your command is wrong". */
const UNAVAILABLE_REPLIES = /^(LOADING|BUSY|NOAUTH|WRONGPASS|MASTERDOWN|READONLY|TRYAGAIN)\b/;

function classify(error: unknown): LabError {
  const isReply = error instanceof Error && error.name === 'ReplyError';
  if (isReply && !UNAVAILABLE_REPLIES.test(error.message)) {
    return new LabError('INTERNAL', 'Redis refused a refresh-token command', { cause: error });
  }
  return new LabError('UNAVAILABLE', 'Redis did not answer', { cause: error, retriable: true });
}

export function createRefreshStore(
  redis: Redis,
  ttlS: number,
  observer: CommandObserver,
): RefreshStore {
  const call = async <T>(work: () => Promise<T>): Promise<T> => {
    let result: T;
    try {
      result = await work();
    } catch (error) {
      const failure = classify(error);
      observer.failed(failure);
      throw failure;
    }
    observer.answered();
    return result;
  };

  return {
    issue: (userId) =>
      call(async () => {
        const familyId = randomBytes(16).toString('hex');
        const token = newToken();
        const key = tokenKey(token);
        const results = await redis
          .multi()
          .set(familyKey(familyId), '1', 'EX', ttlS)
          .hset(key, 'user', userId, 'family', familyId, 'state', 'active')
          .expire(key, ttlS)
          .exec();
        // exec resolves even when a command inside failed; the first such error is the cause.
        const failed = results?.find(([error]) => error !== null)?.[0];
        if (results === null || failed) throw failed ?? new Error('MULTI was discarded');
        return token;
      }),

    lookup: (token) =>
      call(async () => {
        if (!TOKEN_SHAPE.test(token)) return undefined;
        const [userId, familyId] = await redis.hmget(tokenKey(token), 'user', 'family');
        if (!userId || !familyId) return undefined;
        return { userId, familyId };
      }),

    rotate: (token, familyId) =>
      call(async () => {
        const next = newToken();
        const keys = [tokenKey(token), familyKey(familyId), tokenKey(next)];
        const status = await redis.eval(ROTATE_LUA, keys.length, ...keys, familyId);
        if (status === 'ok') return { kind: 'rotated', token: next };
        if (status === 'reused') return { kind: 'reused' };
        return { kind: 'invalid' };
      }),

    revokeFamily: (familyId) =>
      call(async () => {
        await redis.del(familyKey(familyId));
      }),
  };
}

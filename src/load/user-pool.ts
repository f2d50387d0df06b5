/**
 * The accounts a run uses, created before the clock starts: `users` signups, then one login
 * each, so logins have credentials, refreshes have tokens to rotate and `me` has access
 * tokens from the first request on. Creation goes through the target like the load itself.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'undici';

import { LabError, describeError } from '../errors.js';
import type { SessionTokens } from './session-pool.js';

export interface UserPool {
  runTag: string;
  password: string;
  emails: string[];
  sessions: SessionTokens[];
}

/** Requests in flight while creating accounts: bcrypt makes each one slow, not the client. */
const CREATE_CONCURRENCY = 4;
const CREATE_TIMEOUT_MS = 30_000;

async function postJson(origin: string, path: string, body: unknown, want: number) {
  let response;
  try {
    response = await request(`${origin}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      headersTimeout: CREATE_TIMEOUT_MS,
      bodyTimeout: CREATE_TIMEOUT_MS,
    });
  } catch (error) {
    throw new LabError('UNAVAILABLE', `creating the user pool: POST ${origin}${path} failed: ` +
      `${describeError(error)}; is the target up (authlab status)?`, { cause: error });
  }
  const text = await response.body.text();
  if (response.statusCode !== want) {
    throw new LabError('UNAVAILABLE', `creating the user pool: POST ${origin}${path} answered ` +
      `${response.statusCode} (expected ${want}): ${text.slice(0, 200)}`);
  }
  return JSON.parse(text) as Record<string, unknown>;
}

/** Runs `task(i)` for i < count with at most `limit` at once. */
async function forEachLimited(count: number, limit: number, task: (i: number) => Promise<void>) {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      const i = next;
      next += 1;
      await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, lane));
}

export async function createUserPool(
  origins: readonly string[], users: number, signal?: AbortSignal,
): Promise<UserPool> {
  const runTag = randomBytes(4).toString('hex');
  const password = `load-${randomBytes(9).toString('base64url')}`;
  const emails = Array.from({ length: users }, (_, i) => `load-${runTag}-u${i}@lab.invalid`);
  const sessions: SessionTokens[] = new Array(users);
  const originOf = (i: number) => origins[i % origins.length] as string;

  await forEachLimited(users, CREATE_CONCURRENCY, async (i) => {
    if (signal?.aborted) throw new LabError('INTERRUPTED', 'interrupted while creating users');
    const email = emails[i] as string;
    await postJson(originOf(i), '/auth/signup', { email, password }, 201);
    const tokens = await postJson(originOf(i), '/auth/login', { email, password }, 200);
    sessions[i] = {
      accessToken: String(tokens.accessToken), refreshToken: String(tokens.refreshToken),
    };
  });
  return { runTag, password, emails, sessions };
}

/** Worker k's share of the pool: every n-th account and session. */
export function sliceUserPool(pool: UserPool, workerIndex: number, workerCount: number) {
  const mine = <T>(items: readonly T[]) =>
    items.filter((_, i) => i % workerCount === workerIndex);
  return { emails: mine(pool.emails), sessions: mine(pool.sessions) };
}

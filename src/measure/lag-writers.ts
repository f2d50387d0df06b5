/**
 * How a replication-lag run creates users: straight into Postgres (`sql`, the CDC path alone)
 * or through the auth service's signup route (`api`, the whole path). Either way `tCommitMs`
 * is when the writer learned the row was committed.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Pool as HttpPool } from 'undici';

import type { Clock } from './clock.js';

export interface WrittenUser {
  userId: string;
  tCommitMs: number;
}

export interface UserWriter {
  /** Creates one user; each call makes a new one (a sweep restarts seq at every step). */
  write(seq: number): Promise<WrittenUser>;
  close(): Promise<void>;
}

/** A placeholder hash no password can match: these rows exist to be replicated, not used. */
const UNUSABLE_PASSWORD_HASH = '!lab-row';

export function sqlWriter(postgresUrl: string, clock: Clock, connections = 16): UserWriter {
  const pool = new pg.Pool({ connectionString: postgresUrl, max: connections });
  const tag = randomBytes(4).toString('hex');
  let made = 0;
  return {
    async write(seq) {
      made += 1;
      const email = `lag-${tag}-${made}@lab.invalid`;
      const result = await pool.query<{ id: string }>(
        'INSERT INTO users (email, email_normalized, password_hash, display_name) ' +
        'VALUES ($1, $1, $2, $3) RETURNING id',
        [email, UNUSABLE_PASSWORD_HASH, `lag probe ${seq}`],
      );
      return { userId: (result.rows[0] as { id: string }).id, tCommitMs: clock.nowMs() };
    },
    close: () => pool.end(),
  };
}

export function apiWriter(baseUrl: string, clock: Clock, connections = 32): UserWriter {
  const pool = new HttpPool(baseUrl, { connections });
  const tag = randomBytes(4).toString('hex');
  let made = 0;
  return {
    async write(seq) {
      made += 1;
      const response = await pool.request({
        path: '/auth/signup',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email: `lag-${tag}-${made}@lab.invalid`,
          password: `lab password ${tag} ${made}`,
          displayName: `lag probe ${seq}`,
        }),
      });
      const tCommitMs = clock.nowMs();
      const text = await response.body.text();
      if (response.statusCode !== 201) {
        throw new Error(`signup answered ${response.statusCode}: ${text.slice(0, 120)}`);
      }
      return { userId: (JSON.parse(text) as { id: string }).id, tCommitMs };
    },
    close: () => pool.close(),
  };
}

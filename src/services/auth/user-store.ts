/**
 * Users in Postgres. Every query is parameterised; the store answers in domain terms
 * (created or taken, found or not) and turns a database that does not answer into a
 * LabError UNAVAILABLE, which the service reports as 503.
 */
import type { Pool, QueryResult } from 'pg';

import { LabError } from '../../errors.js';

export interface NewUser {
  email: string;
  emailNormalized: string;
  passwordHash: string;
  displayName: string | undefined;
}

export interface LoginRecord {
  id: string;
  passwordHash: string;
}

export interface UserSummary {
  id: string;
  email: string;
}

export type CreateResult = { created: true; id: string } | { created: false };

export interface UserStore {
  create(user: NewUser): Promise<CreateResult>;
  findForLogin(emailNormalized: string): Promise<LoginRecord | undefined>;
  findById(id: string): Promise<UserSummary | undefined>;
}

/** Told about every query's outcome: feeds the error metric and the up/down log. */
export interface QueryObserver {
  answered(): void;
  failed(error: LabError): void;
}

/**
 * SQLSTATE classes that mean the server cannot serve us now: connection exceptions (08),
 * insufficient resources (53), operator intervention such as a shutdown (57). Errors with
 * no SQLSTATE at all come from the driver: refused connections, timeouts, resets.
 */
const UNAVAILABLE_CLASSES = new Set(['08', '53', '57']);

function classify(error: unknown): LabError {
  const sqlState = (error as { code?: unknown }).code;
  const isServerError = typeof sqlState === 'string' && /^[0-9A-Z]{5}$/.test(sqlState);
  if (isServerError && !UNAVAILABLE_CLASSES.has(sqlState.slice(0, 2))) {
    return new LabError('INTERNAL', `Postgres refused a query (SQLSTATE ${sqlState})`, {
      cause: error,
    });
  }
  return new LabError('UNAVAILABLE', 'Postgres did not answer', { cause: error, retriable: true });
}

export function createUserStore(pool: Pool, observer: QueryObserver): UserStore {
  const query = async <Row extends object>(sql: string, params: unknown[]): Promise<Row[]> => {
    let result: QueryResult;
    try {
      result = await pool.query(sql, params);
    } catch (error) {
      const failure = classify(error);
      observer.failed(failure);
      throw failure;
    }
    observer.answered();
    return result.rows as Row[];
  };

  return {
    create: async (user) => {
      // ON CONFLICT instead of catching 23505: a taken email is an answer, not an error.
      const rows = await query<{ id: string }>(
        `INSERT INTO users (email, email_normalized, password_hash, display_name)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (email_normalized) DO NOTHING
         RETURNING id`,
        [user.email, user.emailNormalized, user.passwordHash, user.displayName ?? null],
      );
      const id = rows[0]?.id;
      return id === undefined ? { created: false } : { created: true, id };
    },

    findForLogin: async (emailNormalized) => {
      const rows = await query<LoginRecord>(
        'SELECT id, password_hash AS "passwordHash" FROM users WHERE email_normalized = $1',
        [emailNormalized],
      );
      return rows[0];
    },

    findById: async (id) => {
      const rows = await query<UserSummary>('SELECT id, email FROM users WHERE id = $1', [id]);
      return rows[0];
    },
  };
}

/**
 * What each operation sends and what it keeps from the answer, inside one worker:
 * signup creates a new account (and adds it to the users logins pick from), login signs a
 * user in (and keeps the session), refresh rotates a kept session's token, me reads the
 * account with a kept access token, healthz asks the trivial liveness route.
 */
import type { HttpRequest, HttpResult } from './http-sender.js';
import type { OperationName } from './mix.js';
import type { Outcome } from './op-recorder.js';
import { SessionPool, type SessionTokens } from './session-pool.js';

export interface WorkloadPlan {
  runTag: string;
  workerIndex: number;
  /** One password for every account of the run: the accounts are throwaway. */
  password: string;
  /** Emails of accounts created before the run (their password is `password`). */
  emails: string[];
  sessions: SessionTokens[];
  maxSessions: number;
}

/** A request ready to send, and how to read its result; or why nothing can be sent. */
export type Prepared =
  | { request: HttpRequest; read(result: HttpResult): Outcome }
  | { failure: Outcome };

const NO_SESSION: Prepared = { failure: { kind: 'client' } };

export function outcomeOf(result: HttpResult): Outcome {
  if (result.kind !== 'answer') return { kind: result.kind };
  if (result.status >= 200 && result.status < 300) return { kind: 'ok' };
  return { kind: 'status', status: result.status };
}

function tokensOf(result: HttpResult): SessionTokens | null {
  if (result.kind !== 'answer' || result.status !== 200 || result.body === null) return null;
  try {
    const parsed = JSON.parse(result.body) as Partial<SessionTokens>;
    if (typeof parsed.accessToken !== 'string' || typeof parsed.refreshToken !== 'string') {
      return null;
    }
    return { accessToken: parsed.accessToken, refreshToken: parsed.refreshToken };
  } catch {
    return null;
  }
}

export class Workload {
  private readonly emails: string[];
  private readonly sessions: SessionPool;
  private nextLogin = 0;
  private signups = 0;

  constructor(private readonly plan: WorkloadPlan) {
    this.emails = [...plan.emails];
    this.sessions = new SessionPool(plan.maxSessions);
    for (const session of plan.sessions) this.sessions.add(session);
  }

  prepare(op: OperationName): Prepared {
    switch (op) {
      case 'healthz': return { request: { method: 'GET', path: '/healthz', wantBody: false },
        read: outcomeOf };
      case 'signup': return this.signup();
      case 'login': return this.login();
      case 'refresh': return this.refresh();
      case 'me': return this.me();
    }
  }

  private signup(): Prepared {
    this.signups += 1;
    const { runTag, workerIndex, password } = this.plan;
    const email = `load-${runTag}-w${workerIndex}-${this.signups}@lab.invalid`;
    return {
      request: { method: 'POST', path: '/auth/signup', body: JSON.stringify({ email, password }),
        wantBody: false },
      read: (result) => {
        if (result.kind === 'answer' && result.status === 201) this.emails.push(email);
        return outcomeOf(result);
      },
    };
  }

  private login(): Prepared {
    if (this.emails.length === 0) return NO_SESSION;
    const email = this.emails[this.nextLogin % this.emails.length] as string;
    this.nextLogin += 1;
    return {
      request: { method: 'POST', path: '/auth/login',
        body: JSON.stringify({ email, password: this.plan.password }), wantBody: true },
      read: (result) => {
        const tokens = tokensOf(result);
        if (tokens) this.sessions.add(tokens);
        return outcomeOf(result);
      },
    };
  }

  private refresh(): Prepared {
    const session = this.sessions.checkOut();
    if (!session) return NO_SESSION;
    return {
      request: { method: 'POST', path: '/auth/refresh',
        body: JSON.stringify({ refreshToken: session.refreshToken }), wantBody: true },
      read: (result) => {
        // Without a readable answer the token may or may not have rotated: drop the session.
        this.sessions.checkIn(session, tokensOf(result));
        return outcomeOf(result);
      },
    };
  }

  private me(): Prepared {
    const accessToken = this.sessions.accessToken();
    if (accessToken === undefined) return NO_SESSION;
    return {
      request: { method: 'GET', path: '/auth/me',
        headers: { authorization: `Bearer ${accessToken}` }, wantBody: false },
      read: outcomeOf,
    };
  }
}

/**
 * The signed-in sessions a worker holds: access and refresh tokens from logins. A refresh
 * rotates its token, so a session is checked out while its refresh is in flight; sending the
 * same refresh token twice would look like token theft to the service and revoke the family.
 */
export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
}

interface Session extends SessionTokens {
  /** Position in `all`, for removal in O(1). */
  slot: number;
  checkedOut: boolean;
}

export class SessionPool {
  private readonly all: Session[] = [];
  private readonly idle: Session[] = [];
  private nextForMe = 0;

  constructor(private readonly maxSessions: number) {}

  get size(): number {
    return this.all.length;
  }

  /** Keeps a new session; when the pool is full the newest login is not kept. */
  add(tokens: SessionTokens): void {
    if (this.all.length >= this.maxSessions) return;
    const session: Session = { ...tokens, slot: this.all.length, checkedOut: false };
    this.all.push(session);
    this.idle.push(session);
  }

  /** An idle session for a refresh, or undefined when every one is in use. */
  checkOut(): Session | undefined {
    const session = this.idle.pop();
    if (session) session.checkedOut = true;
    return session;
  }

  /** Back after a refresh: with new tokens when it rotated, dropped when it failed. */
  checkIn(session: Session, rotated: SessionTokens | null): void {
    if (rotated === null) {
      this.remove(session);
      return;
    }
    session.accessToken = rotated.accessToken;
    session.refreshToken = rotated.refreshToken;
    session.checkedOut = false;
    this.idle.push(session);
  }

  /** An access token for `me`, taking sessions in turn (checked-out ones too: still valid). */
  accessToken(): string | undefined {
    if (this.all.length === 0) return undefined;
    this.nextForMe = (this.nextForMe + 1) % this.all.length;
    return this.all[this.nextForMe]?.accessToken;
  }

  private remove(session: Session): void {
    const last = this.all.pop() as Session;
    if (last !== session) {
      this.all[session.slot] = last;
      last.slot = session.slot;
    }
  }
}

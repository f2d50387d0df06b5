/**
 * The auth service's configuration: the one place that reads the environment. The lab's
 * runtime starts each replica with these variables; everything else in the service receives
 * the frozen object. A bad value throws a BAD_INPUT LabError, which main.ts turns into a
 * one-line message and exit status 2.
 */
import { badInput } from '../../errors.js';
import { parseInteger } from '../../parse/numbers.js';

export interface AuthConfig {
  /** Labels every metric series and log line: `auth-1`. */
  readonly replica: string;
  readonly httpPort: number;
  readonly pgUrl: string;
  readonly pgPoolMax: number;
  readonly redisUrl: string;
  readonly jwtSecret: string;
  readonly jwtIssuer: string;
  readonly jwtAudience: string;
  readonly bcryptCost: number;
  readonly accessTtlS: number;
  readonly refreshTtlS: number;
  /**
   * Lab fault-injection knob: when > 0 every `GET /auth/me` waits this long before it is
   * handled, so tests and experiments can hold a request in flight on purpose (graceful
   * shutdown, load balancer retries, queueing under load). Never set it outside a lab.
   */
  readonly stallMs: number;
}

/** Fixed limits and timeouts; each with the reason for its value. Not configurable on purpose. */
export const AUTH_LIMITS = Object.freeze({
  /** The service only ever binds loopback, like every lab component. */
  httpHost: '127.0.0.1',

  /** Signup is the largest body (email + 72-byte password + name): 16 KiB is ample. */
  bodyLimitBytes: 16 * 1024,

  /**
   * Accepted clock difference when checking `exp` and `nbf`. Replicas share one host clock
   * in the lab, but a token minted by a replica in a container or on a host whose clock
   * drifts must not fail at the edge of its life; 30 s is small against a 15 min lifetime.
   */
  clockSkewS: 30,

  /** A request that waits longer than this for a Postgres connection answers 503. */
  pgConnectTimeoutMs: 2_000,
  /** No query of this service should take longer; a stuck one answers 503, not hangs. */
  pgQueryTimeoutMs: 5_000,
  pgIdleTimeoutMs: 10_000,

  /** A Redis command without a reply after this long fails (a paused Redis must not hang). */
  redisCommandTimeoutMs: 2_000,
  redisConnectTimeoutMs: 2_000,
  /** Reconnect backoff cap: a returning Redis is used again within about a second. */
  redisMaxReconnectDelayMs: 1_000,

  /** SIGTERM waits this long for in-flight requests before cutting connections. */
  drainTimeoutMs: 10_000,

  /** Node's default of 300 s lets a slow or endless upload hold a socket for minutes. */
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
});

type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw badInput(`${name} is required; the lab runtime sets it when it starts a replica`);
  }
  return value.trim();
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  return parseInteger(raw, { name, min, max });
}

function text(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? fallback : raw.trim();
}

const REPLICA = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

function parseReplica(env: Env): string {
  const replica = required(env, 'AUTHLAB_REPLICA');
  if (!REPLICA.test(replica)) {
    throw badInput(
      `AUTHLAB_REPLICA must be letters, digits, "-", "_" or "." (at most 63), got "${replica}"`,
    );
  }
  return replica;
}

/** Parses a URL and checks its scheme; the message never echoes it (it holds a password). */
function parseUrl(env: Env, name: string, schemes: string[]): string {
  const raw = required(env, name);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badInput(`${name} is not a URL; expected ${schemes[0]}//user:pass@127.0.0.1:port/...`);
  }
  if (!schemes.includes(url.protocol) || url.hostname === '') {
    throw badInput(`${name} must be a ${schemes.join(' or ')} URL with a host`);
  }
  return raw;
}

function parseSecret(env: Env): string {
  const secret = env.AUTHLAB_JWT_SECRET ?? '';
  const bytes = Buffer.byteLength(secret, 'utf8');
  if (bytes < 32) {
    throw badInput(
      `AUTHLAB_JWT_SECRET must be at least 32 bytes (HS256 key), got ${bytes}; ` +
        'generate one with `openssl rand -base64 48`',
    );
  }
  return secret;
}

export function loadAuthConfig(env: Env): AuthConfig {
  const accessTtlS = integer(env, 'AUTHLAB_ACCESS_TTL_S', 900, 1, 86_400);
  const refreshTtlS = integer(env, 'AUTHLAB_REFRESH_TTL_S', 1_209_600, 60, 31_536_000);
  if (refreshTtlS < accessTtlS) {
    throw badInput(
      `AUTHLAB_REFRESH_TTL_S (${refreshTtlS}) must be at least AUTHLAB_ACCESS_TTL_S ` +
        `(${accessTtlS}), or a session ends before its first refresh`,
    );
  }

  return Object.freeze({
    replica: parseReplica(env),
    httpPort: parseInteger(required(env, 'AUTHLAB_HTTP_PORT'), {
      name: 'AUTHLAB_HTTP_PORT',
      min: 1,
      max: 65_535,
    }),
    pgUrl: parseUrl(env, 'AUTHLAB_PG_URL', ['postgres:', 'postgresql:']),
    pgPoolMax: integer(env, 'AUTHLAB_PG_POOL_MAX', 10, 1, 200),
    redisUrl: parseUrl(env, 'AUTHLAB_REDIS_URL', ['redis:']),
    jwtSecret: parseSecret(env),
    jwtIssuer: text(env, 'AUTHLAB_JWT_ISSUER', 'authlab'),
    jwtAudience: text(env, 'AUTHLAB_JWT_AUDIENCE', 'authlab-api'),
    bcryptCost: integer(env, 'AUTHLAB_BCRYPT_COST', 10, 4, 15),
    accessTtlS,
    refreshTtlS,
    stallMs: integer(env, 'AUTHLAB_STALL_MS', 0, 0, 600_000),
  });
}

/** The environment of this process; kept here so no other module touches process.env. */
export function loadAuthConfigFromProcess(): AuthConfig {
  return loadAuthConfig(process.env);
}

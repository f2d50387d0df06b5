/**
 * Access tokens: short-lived HS256 JWTs that carry only the user id (`sub`).
 *
 * Verification pins the algorithm to HS256, so `none`, HS512 with our key and RS256 tokens
 * are all refused; it requires `exp`, checks issuer and audience, and allows
 * AUTH_LIMITS.clockSkewS of clock difference on `exp` and `nbf`.
 *
 * Limitation: access tokens are not revoked by logout or refresh-token reuse; one stays
 * valid until its `exp` (AUTHLAB_ACCESS_TTL_S, 15 min by default). Carrying the family id
 * in the token and checking the family in Redis on every request would lift this, at the
 * cost of a Redis round trip on each `GET /auth/me`.
 */
import jwt from 'jsonwebtoken';

import { AUTH_LIMITS, type AuthConfig } from './config.js';
import { HttpError } from './errors.js';

const ALGORITHM = 'HS256';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Three base64url parts; a cheap shape check before any parsing. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export interface AccessTokens {
  readonly ttlS: number;
  sign(userId: string): string;
  /** The user id, or an HttpError 401 whatever is wrong with the token. */
  verify(token: string): string;
}

function unauthorized(message: string): HttpError {
  return new HttpError(401, 'invalid_token', message, {
    'WWW-Authenticate': 'Bearer error="invalid_token"',
  });
}

export function createAccessTokens(config: AuthConfig): AccessTokens {
  const { jwtSecret, jwtIssuer, jwtAudience, accessTtlS } = config;

  return {
    ttlS: accessTtlS,

    sign: (userId) =>
      jwt.sign({}, jwtSecret, {
        algorithm: ALGORITHM,
        subject: userId,
        issuer: jwtIssuer,
        audience: jwtAudience,
        expiresIn: accessTtlS,
      }),

    verify: (token) => {
      if (!JWT_SHAPE.test(token)) throw unauthorized('the access token is not a JWT');

      let payload: string | jwt.JwtPayload;
      try {
        payload = jwt.verify(token, jwtSecret, {
          algorithms: [ALGORITHM],
          issuer: jwtIssuer,
          audience: jwtAudience,
          clockTolerance: AUTH_LIMITS.clockSkewS,
        });
      } catch {
        // One message for every failure: which check failed is no business of the caller.
        throw unauthorized('the access token is invalid or expired');
      }

      if (typeof payload === 'string' || typeof payload.exp !== 'number') {
        throw unauthorized('the access token is invalid or expired');
      }
      if (typeof payload.sub !== 'string' || !UUID.test(payload.sub)) {
        throw unauthorized('the access token is invalid or expired');
      }
      return payload.sub.toLowerCase();
    },
  };
}

/**
 * The token of an `Authorization: Bearer <token>` header (RFC 6750). `values` holds every
 * Authorization header of the request: Node keeps only the first of duplicates, and a proxy
 * in front may pick another one, so more than one is refused rather than guessed at.
 */
export function bearerToken(values: readonly string[] | undefined): string {
  if (values === undefined || values.length === 0) {
    throw new HttpError(401, 'invalid_token', 'send Authorization: Bearer <access token>', {
      'WWW-Authenticate': 'Bearer',
    });
  }
  if (values.length > 1) {
    throw new HttpError(400, 'bad_request', 'send exactly one Authorization header');
  }

  const match = /^Bearer +([^\s]+) *$/i.exec(values[0] ?? '');
  if (!match?.[1]) {
    throw unauthorized('the Authorization header must be "Bearer <access token>"');
  }
  return match[1];
}

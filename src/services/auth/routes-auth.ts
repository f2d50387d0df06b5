/**
 * The account routes: signup, login, refresh, logout, me. Handlers throw HttpError for the
 * answers they choose; errors.ts turns every throw into the one error body.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import { Router, type RequestHandler } from 'express';

import { parseBody, loginBody, refreshBody, signupBody } from './bodies.js';
import { checkDisplayName } from './display-name.js';
import { normalizeEmail } from './email.js';
import { HttpError } from './errors.js';
import type { Logger } from './log.js';
import { checkPassword, type PasswordHasher } from './passwords.js';
import type { RefreshStore } from './refresh-store.js';
import { bearerToken, type AccessTokens } from './tokens.js';
import type { UserStore } from './user-store.js';

export interface AuthRouteDeps {
  users: UserStore;
  refreshTokens: RefreshStore;
  passwords: PasswordHasher;
  accessTokens: AccessTokens;
  log: Logger;
  /** Lab fault injection: delay before every GET /auth/me (see AuthConfig.stallMs). */
  stallMs: number;
}

const badCredentials = () =>
  new HttpError(401, 'invalid_credentials', 'the email or the password is wrong');
const badRefreshToken = () =>
  new HttpError(
    401,
    'invalid_refresh_token',
    'the refresh token is invalid, expired or revoked; log in again',
  );

/**
 * POST bodies must be JSON. `req.is` answers false for a body of another type and null for
 * no body at all. An empty body (Content-Length: 0, as fetch sends for a bodiless POST) is
 * "no body" too: both fall through to body validation, which says what is missing.
 */
const requireJson: RequestHandler = (req, _res, next) => {
  const empty = req.headers['content-length'] === '0';
  if (!empty && req.is('application/json') === false) {
    throw new HttpError(415, 'unsupported_media_type', 'send Content-Type: application/json');
  }
  next();
};

export function authRouter(deps: AuthRouteDeps): Router {
  const { users, refreshTokens, passwords, accessTokens } = deps;
  const router = Router();

  const issueTokens = (userId: string, refreshToken: string) => ({
    accessToken: accessTokens.sign(userId),
    refreshToken,
    expiresIn: accessTokens.ttlS,
  });

  router.post('/auth/signup', requireJson, async (req, res) => {
    const body = parseBody(signupBody, req.body);

    const email = normalizeEmail(body.email);
    if (!email.ok) throw new HttpError(400, 'invalid_email', email.reason);
    const password = checkPassword(body.password);
    if (!password.ok) throw new HttpError(400, 'invalid_password', password.reason);
    const name = checkDisplayName(body.displayName);
    if (!name.ok) throw new HttpError(400, 'invalid_display_name', name.reason);

    const result = await users.create({
      email: email.email,
      emailNormalized: email.key,
      passwordHash: await passwords.hash(password.password),
      displayName: name.displayName,
    });
    if (!result.created) {
      throw new HttpError(409, 'email_taken', 'an account with this email exists; log in');
    }
    res.status(201).json({ id: result.id });
  });

  router.post('/auth/login', requireJson, async (req, res) => {
    const body = parseBody(loginBody, req.body);

    // A malformed email cannot belong to an account; it still pays for one bcrypt compare
    // so that the answer's timing says nothing about which check failed.
    const email = normalizeEmail(body.email);
    const user = email.ok ? await users.findForLogin(email.key) : undefined;
    const matches = await passwords.verify(body.password, user?.passwordHash);
    if (!matches || user === undefined) throw badCredentials();

    const refreshToken = await refreshTokens.issue(user.id);
    res.json(issueTokens(user.id, refreshToken));
  });

  router.post('/auth/refresh', requireJson, async (req, res) => {
    const { refreshToken } = parseBody(refreshBody, req.body);

    const record = await refreshTokens.lookup(refreshToken);
    if (record === undefined) throw badRefreshToken();

    // Check the user before rotating: if Postgres is down the token is not spent and the
    // client can retry; if the account is gone, so is every session of it.
    const user = await users.findById(record.userId);
    if (user === undefined) {
      await refreshTokens.revokeFamily(record.familyId);
      throw badRefreshToken();
    }

    // A reused token means two parties hold the family (or one client raced itself); the
    // family is already revoked by now. Worth a line: it is what a stolen token looks like.
    const rotated = await refreshTokens.rotate(refreshToken, record.familyId);
    if (rotated.kind === 'reused') deps.log.warn('refresh_token_reused', { userId: user.id });
    if (rotated.kind !== 'rotated') throw badRefreshToken();
    res.json(issueTokens(user.id, rotated.token));
  });

  // Like RFC 7009 revocation: an unknown or already revoked token is not an error.
  router.post('/auth/logout', requireJson, async (req, res) => {
    const { refreshToken } = parseBody(refreshBody, req.body);

    const record = await refreshTokens.lookup(refreshToken);
    if (record !== undefined) await refreshTokens.revokeFamily(record.familyId);
    res.status(204).end();
  });

  router.get('/auth/me', async (req, res) => {
    if (deps.stallMs > 0) await sleep(deps.stallMs);

    const userId = accessTokens.verify(bearerToken(req.headersDistinct.authorization));
    const user = await users.findById(userId);
    if (user === undefined) {
      throw new HttpError(401, 'invalid_token', 'the account of this token no longer exists', {
        'WWW-Authenticate': 'Bearer error="invalid_token"',
      });
    }
    res.json({ id: user.id, email: user.email });
  });

  return router;
}

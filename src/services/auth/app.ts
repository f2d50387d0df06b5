/**
 * The Express application of one auth replica, built from its dependencies so a test or
 * another host can assemble it without main.ts's process wiring.
 */
import express, { type RequestHandler } from 'express';

import { AUTH_LIMITS } from './config.js';
import { errorHandler, sendError } from './errors.js';
import type { Logger } from './log.js';
import { authRouter, type AuthRouteDeps } from './routes-auth.js';
import { opsRouter, type OpsRouteDeps } from './routes-ops.js';

export interface AppDeps extends AuthRouteDeps, OpsRouteDeps {
  log: Logger;
}

/** Every route and its methods: for 405 answers and for a bounded metric label set. */
const ROUTES: Readonly<Record<string, readonly string[]>> = {
  '/auth/signup': ['POST'],
  '/auth/login': ['POST'],
  '/auth/refresh': ['POST'],
  '/auth/logout': ['POST'],
  '/auth/me': ['GET', 'HEAD'],
  '/healthz': ['GET', 'HEAD'],
  '/readyz': ['GET', 'HEAD'],
  '/metrics': ['GET', 'HEAD'],
};

/**
 * The metric label of a path: the route it matches as Express matches (case-insensitive,
 * optional trailing slash), else "unmatched", so scanners cannot mint new series.
 */
function routeLabel(path: string): string {
  const key = path.toLowerCase().replace(/(.)\/$/, '$1');
  return Object.hasOwn(ROUTES, key) ? key : 'unmatched';
}

function recordDuration(deps: AppDeps): RequestHandler {
  return (req, res, next) => {
    const startNs = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - startNs) / 1e9;
      deps.metrics.observeRequest(req.method, routeLabel(req.path), res.statusCode, seconds);
    });
    next();
  };
}

const commonHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    // Tokens and account data must not be kept by any cache.
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  next();
};

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');

  app.use(recordDuration(deps));
  app.use(commonHeaders);
  // inflate: false refuses compressed bodies (415): the size limit then bounds real work.
  app.use(express.json({ limit: AUTH_LIMITS.bodyLimitBytes, inflate: false, strict: true }));

  app.use(authRouter(deps));
  app.use(opsRouter(deps));

  for (const [path, methods] of Object.entries(ROUTES)) {
    app.all(path, (req, res) => {
      res.set('Allow', methods.join(', '));
      sendError(res, 405, 'method_not_allowed', `${path} answers ${methods.join(', ')} only`);
    });
  }
  app.use((req, res) => {
    sendError(res, 404, 'not_found', 'no such route');
  });
  app.use(errorHandler(deps.log));

  return app;
}

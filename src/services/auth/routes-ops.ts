/** Operations routes: liveness, readiness (for the lab and nginx) and Prometheus metrics. */
import { Router } from 'express';

import type { Readiness } from './dependencies.js';
import { sendError } from './errors.js';
import type { AuthMetrics } from './metrics.js';

export interface OpsRouteDeps {
  metrics: AuthMetrics;
  readiness(): Promise<Readiness>;
  /** True once SIGTERM arrived: readiness fails so a balancer stops sending requests. */
  isDraining(): boolean;
}

const word = (up: boolean): string => (up ? 'up' : 'down');

export function opsRouter(deps: OpsRouteDeps): Router {
  const router = Router();

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    if (deps.isDraining()) {
      sendError(res, 503, 'unavailable', 'shutting down');
      return;
    }
    const ready = await deps.readiness();
    if (ready.postgres && ready.redis) {
      res.json({ status: 'ready', postgres: 'up', redis: 'up' });
      return;
    }
    const state = `postgres ${word(ready.postgres)}, redis ${word(ready.redis)}`;
    sendError(res, 503, 'unavailable', `not ready: ${state}`);
  });

  router.get('/metrics', async (_req, res) => {
    const { registry } = deps.metrics;
    res.set('Content-Type', registry.contentType);
    res.send(await registry.metrics());
  });

  return router;
}

/**
 * Keeps Nginx and Prometheus in step with the set of replicas. Nginx gets a new upstream
 * list and a graceful reload; the call returns only once every old worker has finished its
 * requests and exited, so a replica taken out of the list can then be stopped without
 * failing a request that was already on its way to it.
 */
import { LabError } from '../../errors.js';
import type { LabState } from '../lab-state.js';
import { httpTextFresh } from '../probes.js';
import { waitUntil } from '../wait-until.js';
import type { LocalContext } from './local-context.js';
import { childPids, isOurProcessAlive } from './process-supervisor.js';
import { writeNginxConfig } from './services/nginx.js';
import { writePrometheusTargets } from './services/prometheus.js';

const RELOAD_TIMEOUT_MS = 60_000;

function running(state: LabState, id: string) {
  const record = state.replicas[id];
  return record && isOurProcessAlive(record.pid, record.pidStartTicks) ? record : null;
}

export async function reloadNginx(ctx: LocalContext, state: LabState): Promise<boolean> {
  const nginx = running(state, 'nginx');
  if (!nginx) return false;

  const oldWorkers = childPids(nginx.pid);
  const generation = String(Date.now());
  writeNginxConfig(ctx, ctx.activeReplicas('auth'), generation);
  process.kill(nginx.pid, 'SIGHUP');

  const url = `${ctx.endpoints.nginxUrl}/authlab/nginx-generation`;
  await waitUntil(async () => {
    const served = (await httpTextFresh(url)).trim();
    if (served !== generation) throw new Error(`still serving generation ${served}`);
  }, { what: 'nginx reload', timeoutMs: RELOAD_TIMEOUT_MS, intervalMs: 50,
    hint: `see ${nginx.logFile}` });

  await waitUntil(async () => {
    const left = oldWorkers.filter((pid) => childPids(nginx.pid).includes(pid));
    if (left.length > 0) throw new LabError('TIMEOUT', `old workers ${left.join(', ')} still run`);
  }, { what: 'nginx old workers to finish', timeoutMs: RELOAD_TIMEOUT_MS, intervalMs: 50 });
  return true;
}

export function refreshScrapeTargets(ctx: LocalContext, state: LabState): boolean {
  if (!running(state, 'prometheus')) return false;
  writePrometheusTargets(ctx);
  return true;
}

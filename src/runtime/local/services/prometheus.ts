/**
 * Prometheus (Debian package) scraping every auth and profile replica. Targets come from a
 * file the lab rewrites on every change (file-based discovery), so a new replica is scraped
 * within one scrape interval and a removed one disappears.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { renderTemplate } from '../../../stack/template.js';
import { httpOk } from '../../probes.js';
import { requireOnPath } from '../installed-tools.js';
import { baseEnvironment, type LocalContext, type LocalService } from '../local-context.js';

export const SCRAPE_INTERVAL_S = 2;

function targetsFile(ctx: LocalContext): string {
  return join(ctx.dirs.config, 'prometheus-targets.json');
}

/** Written to a temporary file and renamed: Prometheus never reads half a target list. */
export function writePrometheusTargets(ctx: LocalContext): void {
  const groups = (['auth', 'profile'] as const).flatMap((service) =>
    ctx.activeReplicas(service).map((replica) => ({
      targets: [`127.0.0.1:${ctx.ports[service](replica)}`],
      labels: { service, replica: `${service}-${replica}` },
    })));
  const path = targetsFile(ctx);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(groups, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

export const prometheusService: LocalService = {
  service: 'prometheus',
  replicated: false,
  dependsOn: [],
  stopSignal: 'SIGTERM',
  ports: (ctx) => [ctx.ports.prometheus],

  async prepare(ctx) {
    mkdirSync(join(ctx.dirs.data, 'prometheus'), { recursive: true });
    writePrometheusTargets(ctx);
    writeFileSync(join(ctx.dirs.config, 'prometheus.yml'), renderTemplate('prometheus.yml', {
      scrapeIntervalS: SCRAPE_INTERVAL_S,
      scrapeTimeoutS: SCRAPE_INTERVAL_S,
      targetsFile: targetsFile(ctx),
    }));
  },

  launch: (ctx) => ({
    file: requireOnPath('prometheus', 'run `authlab install`'),
    args: [
      `--config.file=${join(ctx.dirs.config, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(ctx.dirs.data, 'prometheus')}`,
      `--web.listen-address=127.0.0.1:${ctx.ports.prometheus}`,
      '--storage.tsdb.retention.time=2d',
      '--log.level=warn',
    ],
    env: baseEnvironment({}),
  }),

  probe: async (ctx) => {
    await httpOk(`${ctx.endpoints.prometheusUrl}/-/ready`);
  },
};

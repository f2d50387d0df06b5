/**
 * nginx in front of the auth replicas, Prometheus scraping every replica, and Grafana with
 * the dashboards provisioned from stacks/grafana. They must reach the auth and profile
 * replicas, which bind the host's 127.0.0.1 (see lab-services.ts), so they run in the
 * host's network namespace too and bind 127.0.0.1 themselves.
 */
import { createHmac } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';

import { stacksDir } from '../../../paths.js';
import { renderText } from '../../../stack/template.js';
import type { ContainerFile, ContainerSpec } from '../container-spec.js';
import { stopTimeoutS, type SpecContext } from './spec-context.js';

const SCRAPE_INTERVAL_S = 5;

export function nginxConf(ctx: SpecContext): string {
  const template = readFileSync(join(stacksDir(), 'docker', 'nginx.conf'), 'utf8');
  // An upstream needs at least one server; with none nginx answers 502 until auth scales up.
  const servers = ctx.authReplicas.length > 0
    ? ctx.authReplicas.map((r) => `    server 127.0.0.1:${ctx.ports.auth(r)} max_fails=1 ` +
      'fail_timeout=2s;')
    : ['    server 127.0.0.1:9 down;'];
  return renderText(template, { authServers: servers.join('\n'), port: ctx.ports.nginx },
    'nginx.conf');
}

/** nginx: the whole nginx.conf is the lab's; SIGHUP reloads it when auth is scaled. */
export function nginxSpec(ctx: SpecContext): ContainerSpec {
  return {
    service: 'nginx',
    replica: 1,
    id: 'nginx',
    image: ctx.images.nginx,
    cmd: ['nginx', '-g', 'daemon off;'],
    env: { NGINX_ENTRYPOINT_QUIET_LOGS: '1', TZ: 'UTC' },
    network: 'host',
    aliases: [],
    ports: [],
    boundPorts: [ctx.ports.nginx],
    volumes: [],
    files: [{ path: '/etc/nginx/nginx.conf', content: nginxConf(ctx), mode: 0o644 }],
    healthcheck: {
      test: ['CMD', 'curl', '-fsS', '-o', '/dev/null',
        `http://127.0.0.1:${ctx.ports.nginx}/nginx-health`],
      intervalS: 10, timeoutS: 5, retries: 3, startPeriodS: 5,
    },
    // nginx's graceful shutdown signal is QUIT; TERM would cut open requests.
    stopSignal: 'SIGQUIT',
    stopTimeoutS: stopTimeoutS(ctx),
  };
}

export function prometheusConfig(ctx: SpecContext): string {
  const job = (name: string, ports: number[]) => ({
    job_name: name,
    static_configs: [{ targets: ports.map((port) => `127.0.0.1:${port}`) }],
  });
  return toYaml({
    global: {
      scrape_interval: `${SCRAPE_INTERVAL_S}s`,
      evaluation_interval: `${SCRAPE_INTERVAL_S}s`,
    },
    scrape_configs: [
      job('auth', ctx.authReplicas.map((r) => ctx.ports.auth(r))),
      job('profile', ctx.profileReplicas.map((r) => ctx.ports.profile(r))),
      job('prometheus', [ctx.ports.prometheus]),
    ],
  });
}

/** prom/prometheus: the image's entry point is the server; these are its flags. */
export function prometheusSpec(ctx: SpecContext): ContainerSpec {
  return {
    service: 'prometheus',
    replica: 1,
    id: 'prometheus',
    image: ctx.images.prometheus,
    cmd: [
      '--config.file=/etc/prometheus/prometheus.yml',
      '--storage.tsdb.path=/prometheus',
      // A lab's run is short; a day of samples is plenty.
      '--storage.tsdb.retention.time=1d',
      `--web.listen-address=127.0.0.1:${ctx.ports.prometheus}`,
    ],
    env: { TZ: 'UTC' },
    network: 'host',
    aliases: [],
    ports: [],
    boundPorts: [ctx.ports.prometheus],
    volumes: [],
    files: [{
      path: '/etc/prometheus/prometheus.yml', content: prometheusConfig(ctx), mode: 0o644,
    }],
    healthcheck: {
      test: ['CMD', 'wget', '-q', '-O', '/dev/null',
        `http://127.0.0.1:${ctx.ports.prometheus}/-/ready`],
      intervalS: 10, timeoutS: 5, retries: 3, startPeriodS: 10,
    },
    stopSignal: 'SIGTERM',
    stopTimeoutS: stopTimeoutS(ctx),
  };
}

/** stacks/grafana as files for the container: provisioning and dashboards. */
export function grafanaFiles(): ContainerFile[] {
  const root = join(stacksDir(), 'grafana');
  const files: ContainerFile[] = [];
  for (const kind of ['datasources', 'dashboards']) {
    for (const name of readdirSync(join(root, 'provisioning', kind)).sort()) {
      files.push({ path: `/etc/grafana/provisioning/${kind}/${name}`,
        content: readFileSync(join(root, 'provisioning', kind, name), 'utf8'), mode: 0o644 });
    }
  }
  for (const name of readdirSync(join(root, 'dashboards')).sort()) {
    files.push({ path: `/etc/grafana/dashboards/authlab/${name}`,
      content: readFileSync(join(root, 'dashboards', name), 'utf8'), mode: 0o644 });
  }
  return files;
}

/**
 * The admin password: derived from the lab's JWT key, so it is per lab and never stored or
 * printed. Dashboards need no login: anonymous users may view.
 */
export function grafanaAdminPassword(jwtSecret: string): string {
  return createHmac('sha256', jwtSecret).update('grafana-admin').digest('base64url').slice(0, 24);
}

/** grafana/grafana: configured by GF_<SECTION>_<KEY> variables, provisioned from files. */
export function grafanaSpec(ctx: SpecContext): ContainerSpec {
  return {
    service: 'grafana',
    replica: 1,
    id: 'grafana',
    image: ctx.images.grafana,
    env: {
      GF_SERVER_HTTP_ADDR: '127.0.0.1',
      GF_SERVER_HTTP_PORT: String(ctx.ports.grafana),
      GF_SECURITY_ADMIN_PASSWORD: grafanaAdminPassword(ctx.secrets.jwtSecret),
      GF_AUTH_ANONYMOUS_ENABLED: 'true',
      GF_AUTH_ANONYMOUS_ORG_ROLE: 'Viewer',
      GF_USERS_ALLOW_SIGN_UP: 'false',
      GF_ANALYTICS_REPORTING_ENABLED: 'false',
      GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
      GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH: '/etc/grafana/dashboards/authlab/authlab.json',
      // Read by the provisioned data source (stacks/grafana/provisioning/datasources).
      AUTHLAB_PROMETHEUS_URL: `http://127.0.0.1:${ctx.ports.prometheus}`,
      TZ: 'UTC',
    },
    network: 'host',
    aliases: [],
    ports: [],
    boundPorts: [ctx.ports.grafana],
    volumes: [],
    files: grafanaFiles(),
    healthcheck: {
      test: ['CMD', 'wget', '-q', '-O', '/dev/null',
        `http://127.0.0.1:${ctx.ports.grafana}/api/health`],
      intervalS: 10, timeoutS: 5, retries: 3, startPeriodS: 20,
    },
    stopSignal: 'SIGTERM',
    stopTimeoutS: stopTimeoutS(ctx),
  };
}

/**
 * Kafka Connect (one distributed-mode worker) with the Debezium PostgreSQL connector, which
 * the lab registers through Connect's REST API and waits for until it and its task RUN.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';

import { LabError } from '../../../errors.js';
import { CONNECTOR_NAME, PG_DATABASE, PG_USER } from '../../../stack/endpoints.js';
import { renderTemplate } from '../../../stack/template.js';
import { connectorRunning, httpOk } from '../../probes.js';
import { waitUntil } from '../../wait-until.js';
import { jarsDir } from '../installed-tools.js';
import type { LocalContext, LocalService } from '../local-context.js';
import { javaLaunch, writeLog4jConfig } from './jvm.js';

/** `pg`: where Connect reaches Postgres (the docker runtime passes its lab-network name). */
export function connectorConfig(
  ctx: LocalContext, pg = { host: '127.0.0.1', port: ctx.ports.postgres },
): Record<string, string> {
  const text = renderTemplate('users-connector.json', {
    pgHost: pg.host,
    pgPort: pg.port,
    pgUser: PG_USER,
    pgPassword: ctx.secrets.pgPassword,
    pgDatabase: PG_DATABASE,
    partitions: ctx.config.topicPartitions,
  });
  return { ...(JSON.parse(text) as Record<string, string>), ...ctx.tuning.connector };
}

/**
 * PUT on the config is create-or-update. It is skipped when the running config already is
 * the wanted one, because a PUT restarts the connector's task. Returns whether it changed.
 */
export async function registerConnector(
  ctx: LocalContext, config = connectorConfig(ctx),
): Promise<boolean> {
  const url = `${ctx.endpoints.connectUrl}/connectors/${CONNECTOR_NAME}/config`;
  const current = await request(url);
  if (current.statusCode === 200) {
    const running = (await current.body.json()) as Record<string, string>;
    delete running.name;
    const same = (a: Record<string, string>) => JSON.stringify(Object.entries(a).sort());
    if (same(running) === same(config)) return false;
  } else {
    await current.body.dump();
  }

  const response = await request(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(config),
  });
  const body = await response.body.text();
  if (response.statusCode !== 200 && response.statusCode !== 201) {
    throw new LabError('COMPONENT_FAILED',
      `Kafka Connect refused the ${CONNECTOR_NAME} connector (HTTP ${response.statusCode})`,
      { details: body.slice(0, 2000) });
  }
  return true;
}

function workerPropertiesPath(ctx: LocalContext): string {
  return join(ctx.dirs.config, 'connect-worker.properties');
}

export const connectService: LocalService = {
  service: 'connect',
  replicated: false,
  dependsOn: ['kafka', 'postgres'],
  stopSignal: 'SIGTERM',
  ports: (ctx) => [ctx.ports.connect],

  async prepare(ctx) {
    writeLog4jConfig(ctx);
    writeFileSync(workerPropertiesPath(ctx), renderTemplate('connect-worker.properties', {
      brokerPort: ctx.ports.kafka,
      restPort: ctx.ports.connect,
    }));
  },

  launch: (ctx) => javaLaunch(ctx, {
    heapMb: ctx.config.connectHeapMb,
    jarsDir: jarsDir(ctx.config.cacheDir, 'connect'),
    mainClass: 'org.apache.kafka.connect.cli.ConnectDistributed',
    args: [workerPropertiesPath(ctx)],
  }),

  // The REST root answers only once the worker has joined its group and read its topics.
  probe: async (ctx) => {
    await httpOk(`${ctx.endpoints.connectUrl}/connectors`);
  },

  async afterReady(ctx, onStep) {
    onStep(`connect: registering the ${CONNECTOR_NAME} Debezium connector`);
    await registerConnector(ctx);
    await waitUntil(() => connectorRunning(ctx.endpoints.connectUrl, CONNECTOR_NAME), {
      what: `Debezium connector ${CONNECTOR_NAME}`,
      timeoutMs: ctx.config.readyTimeoutMs,
      intervalMs: 500,
      hint: `see ${join(ctx.dirs.logs, 'connect.log')}`,
    });
  },
};

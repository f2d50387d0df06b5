/** A single-node Kafka 4 broker in KRaft mode, from the jars `authlab install` fetched. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { Kafka, logLevel } from 'kafkajs';

import { LabError } from '../../../errors.js';
import { USERS_TOPIC } from '../../../stack/endpoints.js';
import { renderTemplate } from '../../../stack/template.js';
import { kafkaMetadata } from '../../probes.js';
import { jarsDir, requireOnPath } from '../installed-tools.js';
import type { LocalContext, LocalService } from '../local-context.js';
import { javaLaunch, writeLog4jConfig } from './jvm.js';

function propertiesPath(ctx: LocalContext): string {
  return join(ctx.dirs.config, 'kafka.properties');
}

/** KRaft needs its storage formatted once with the cluster id before the first start. */
function formatStorage(ctx: LocalContext, dataDir: string): void {
  const java = requireOnPath('java', 'install OpenJDK 17 or newer');
  const result = spawnSync(java, [
    '-Xmx256m', '-cp', `${jarsDir(ctx.config.cacheDir, 'kafka')}/*`,
    `-Dlog4j2.configurationFile=${join(ctx.dirs.config, 'log4j2.properties')}`,
    'kafka.tools.StorageTool', 'format', '--standalone',
    // The = form: an id starting with "-" must not be taken for an option.
    `--cluster-id=${ctx.secrets.kafkaClusterId}`, '-c', propertiesPath(ctx),
  ], { encoding: 'utf8' });
  if (result.status !== 0 || !existsSync(join(dataDir, 'meta.properties'))) {
    throw new LabError('COMPONENT_FAILED', 'formatting Kafka storage failed',
      { details: `${result.stdout}${result.stderr}`.trim().split('\n').slice(-15).join('\n') });
  }
}

/**
 * The users topic is created by the lab, not left to Debezium, so it exists before any
 * profile replica subscribes and always has the configured partition count (it is raised
 * when the setting grows; Kafka cannot lower it).
 */
async function ensureUsersTopic(ctx: LocalContext): Promise<string> {
  const kafka = new Kafka({ clientId: 'authlab-up', brokers: ctx.endpoints.kafkaBrokers,
    logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const wanted = ctx.config.topicPartitions;
    const created = await admin.createTopics({
      topics: [{ topic: USERS_TOPIC, numPartitions: wanted, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    if (created) return `created ${USERS_TOPIC} with ${wanted} partitions`;

    const metadata = await admin.fetchTopicMetadata({ topics: [USERS_TOPIC] });
    const current = metadata.topics[0]?.partitions.length ?? 0;
    if (current < wanted) {
      await admin.createPartitions({ topicPartitions: [{ topic: USERS_TOPIC, count: wanted }] });
      return `raised ${USERS_TOPIC} from ${current} to ${wanted} partitions`;
    }
    return `${USERS_TOPIC} has ${current} partitions`;
  } finally {
    await admin.disconnect();
  }
}

export const kafkaService: LocalService = {
  service: 'kafka',
  replicated: false,
  dependsOn: [],
  stopSignal: 'SIGTERM',
  ports: (ctx) => [ctx.ports.kafka, ctx.ports.kafkaController],

  async prepare(ctx) {
    const dataDir = join(ctx.dirs.data, 'kafka');
    mkdirSync(dataDir, { recursive: true });
    writeLog4jConfig(ctx);
    writeFileSync(propertiesPath(ctx), renderTemplate('kafka-server.properties', {
      brokerPort: ctx.ports.kafka,
      controllerPort: ctx.ports.kafkaController,
      dataDir,
      partitions: ctx.config.topicPartitions,
    }));
    if (!existsSync(join(dataDir, 'meta.properties'))) formatStorage(ctx, dataDir);
  },

  launch: (ctx) => javaLaunch(ctx, {
    heapMb: ctx.config.kafkaHeapMb,
    jarsDir: jarsDir(ctx.config.cacheDir, 'kafka'),
    mainClass: 'kafka.Kafka',
    args: [propertiesPath(ctx)],
  }),

  probe: (ctx) => kafkaMetadata(ctx.endpoints.kafkaBrokers),

  async afterReady(ctx, onStep) {
    onStep(`kafka: ${await ensureUsersTopic(ctx)}`);
  },
};

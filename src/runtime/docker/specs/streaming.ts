/**
 * The change-data pipeline from official images: Apache Kafka in KRaft mode (apache/kafka)
 * and Kafka Connect with Debezium (quay.io/debezium/connect).
 */
import type { ContainerSpec } from '../container-spec.js';
import { CONTAINER_PORTS, stopTimeoutS, type SpecContext } from './spec-context.js';

/**
 * apache/kafka: every KAFKA_* variable becomes a server property (dots to underscores);
 * CLUSTER_ID formats the storage on first start. Two listeners: EXTERNAL is advertised as
 * 127.0.0.1:<published port> for clients on the host (the probes, the profile service),
 * INTERNAL as kafka:19092 for Connect on the lab network.
 */
export function kafkaSpec(ctx: SpecContext): ContainerSpec {
  const { kafkaExternal, kafkaInternal, kafkaController } = CONTAINER_PORTS;
  return {
    service: 'kafka',
    replica: 1,
    id: 'kafka',
    image: ctx.images.kafka,
    env: {
      CLUSTER_ID: ctx.secrets.kafkaClusterId,
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: `INTERNAL://:${kafkaInternal},EXTERNAL://:${kafkaExternal},` +
        `CONTROLLER://:${kafkaController}`,
      KAFKA_ADVERTISED_LISTENERS: `INTERNAL://kafka:${kafkaInternal},` +
        `EXTERNAL://127.0.0.1:${ctx.ports.kafka}`,
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP:
        'INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT',
      KAFKA_INTER_BROKER_LISTENER_NAME: 'INTERNAL',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_CONTROLLER_QUORUM_VOTERS: `1@localhost:${kafkaController}`,
      KAFKA_LOG_DIRS: '/var/lib/kafka/data',
      // One node: every internal topic has one replica.
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: '8',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
      KAFKA_NUM_PARTITIONS: String(ctx.config.topicPartitions),
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'true',
      // A lab group should not wait 3 s for more members before its first assignment.
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_LOG_RETENTION_HOURS: '24',
      KAFKA_LOG_SEGMENT_BYTES: '67108864',
      KAFKA_HEAP_OPTS: `-Xms${Math.min(128, ctx.config.kafkaHeapMb)}m ` +
        `-Xmx${ctx.config.kafkaHeapMb}m`,
      TZ: 'UTC',
    },
    network: 'lab',
    aliases: ['kafka'],
    ports: [{ container: kafkaExternal, host: ctx.ports.kafka }],
    boundPorts: [],
    volumes: [{ purpose: 'kafka', target: '/var/lib/kafka/data' }],
    files: [],
    // A TCP check in bash: a JVM tool every few seconds would cost a 2-core lab real CPU.
    healthcheck: {
      test: ['CMD', 'bash', '-c', `</dev/tcp/127.0.0.1/${kafkaExternal}`],
      intervalS: 10, timeoutS: 5, retries: 5, startPeriodS: 20,
    },
    stopSignal: 'SIGTERM',
    stopTimeoutS: stopTimeoutS(ctx),
  };
}

/**
 * quay.io/debezium/connect: GROUP_ID and the three storage topics are required;
 * BOOTSTRAP_SERVERS names the broker; CONNECT_* variables become worker properties. The
 * worker settings match the local runtime's connect-worker.properties.
 */
export function connectSpec(ctx: SpecContext): ContainerSpec {
  const json = 'org.apache.kafka.connect.json.JsonConverter';
  return {
    service: 'connect',
    replica: 1,
    id: 'connect',
    image: ctx.images.connect,
    env: {
      BOOTSTRAP_SERVERS: `kafka:${CONTAINER_PORTS.kafkaInternal}`,
      GROUP_ID: 'authlab-connect',
      CONFIG_STORAGE_TOPIC: 'authlab-connect-configs',
      OFFSET_STORAGE_TOPIC: 'authlab-connect-offsets',
      STATUS_STORAGE_TOPIC: 'authlab-connect-status',
      CONNECT_CONFIG_STORAGE_REPLICATION_FACTOR: '1',
      CONNECT_OFFSET_STORAGE_REPLICATION_FACTOR: '1',
      CONNECT_STATUS_STORAGE_REPLICATION_FACTOR: '1',
      CONNECT_OFFSET_STORAGE_PARTITIONS: '1',
      CONNECT_STATUS_STORAGE_PARTITIONS: '1',
      KEY_CONVERTER: json,
      VALUE_CONVERTER: json,
      CONNECT_KEY_CONVERTER_SCHEMAS_ENABLE: 'false',
      CONNECT_VALUE_CONVERTER_SCHEMAS_ENABLE: 'false',
      // Commit source offsets often: after a restart Debezium resumes close to where it was.
      OFFSET_FLUSH_INTERVAL_MS: '1000',
      REST_HOST_NAME: '0.0.0.0',
      ADVERTISED_HOST_NAME: 'connect',
      HEAP_OPTS: `-Xms${Math.min(128, ctx.config.connectHeapMb)}m ` +
        `-Xmx${ctx.config.connectHeapMb}m`,
      TZ: 'UTC',
    },
    network: 'lab',
    aliases: ['connect'],
    ports: [{ container: CONTAINER_PORTS.connect, host: ctx.ports.connect }],
    boundPorts: [],
    volumes: [],
    files: [],
    healthcheck: {
      test: ['CMD', 'curl', '-fsS', '-o', '/dev/null',
        `http://localhost:${CONTAINER_PORTS.connect}/connectors`],
      intervalS: 10, timeoutS: 5, retries: 5, startPeriodS: 30,
    },
    stopSignal: 'SIGTERM',
    stopTimeoutS: stopTimeoutS(ctx),
  };
}

/**
 * The profile service's settings: the one place that reads its environment. Everything
 * deeper takes the frozen object, so a test can build one without touching process.env.
 */
import { badInput } from '../../errors.js';
import { parseInteger } from '../../parse/numbers.js';
import { PROFILES_COLLECTION } from '../../stack/endpoints.js';

export interface ProfileConfig {
  /** Names this replica in metrics, logs, the Kafka client id and every document it writes. */
  readonly replica: string;
  /** 127.0.0.1 port for /healthz and /metrics; 0 lets the kernel pick (tests). */
  readonly httpPort: number;
  readonly kafkaBrokers: readonly string[];
  readonly kafkaTopic: string;
  readonly kafkaGroup: string;
  readonly mongoUrl: string;
  readonly mongoDb: string;
  readonly mongoCollection: string;
  /** kafkajs maxWaitTimeInMs: how long a fetch waits on the broker for minBytes. */
  readonly consumerMaxWaitMs: number;
  /** kafkajs minBytes: the broker answers a fetch once this much data is ready. */
  readonly consumerMinBytes: number;
  /** Partitions of one replica processed in parallel; they hold disjoint users. */
  readonly partitionsConcurrency: number;
  /** Messages handled as one unit: planned together, committed together. */
  readonly chunkSize: number;
  /** Documents of one round read-compare-replaced in parallel. */
  readonly writeConcurrency: number;
  /** Mongo connections of one replica; see MONGO_MAX_POOL below for the ceiling. */
  readonly mongoMaxPool: number;
  /** How long SIGTERM may take before the process gives up on a clean stop. */
  readonly shutdownTimeoutMs: number;
}

type Env = Record<string, string | undefined>;

/** Debezium's topic for public.users under the lab's topic prefix `authlab`. */
const DEFAULT_TOPIC = 'authlab.public.users';
const DEFAULT_GROUP = 'authlab-profile';
const DEFAULT_DB = 'authlab';
/** kafkajs's own defaults, so an unset variable changes nothing. */
const DEFAULT_MAX_WAIT_MS = 5000;
const DEFAULT_MIN_BYTES = 1;
/**
 * Every partition of a fetch at once (the lab's topics have 8 by default): their inserts
 * then join into one insertMany (insert-batcher.ts) instead of queueing behind each other.
 */
const PARTITIONS_CONCURRENCY = 16;
/** Big enough that one insertMany carries a burst; small enough to bound replay work. */
const CHUNK_SIZE = 500;
/** Half the pool: two partitions can each keep this many replaces in flight. */
const WRITE_CONCURRENCY = 4;
/**
 * FerretDB v1 (SQLite) holds two SQLite connections per in-flight update until the command
 * ends, out of 100 per database; past that every update waits forever. Eight per replica
 * keeps a dozen replicas clear of it.
 */
const MONGO_MAX_POOL = 8;
/** Below the usual 30 s a supervisor waits before SIGKILL. */
const SHUTDOWN_TIMEOUT_MS = 25_000;

const REPLICA = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;
const BROKER = /^[A-Za-z0-9.-]+:\d{1,5}$/;
const MONGO_DB = /^[A-Za-z0-9_-]{1,63}$/;

export function loadProfileConfig(env: Env = process.env): ProfileConfig {
  const config: ProfileConfig = {
    replica: matching(env, 'AUTHLAB_REPLICA', REPLICA, 'a name like profile-1'),
    httpPort: integer(env, 'AUTHLAB_HTTP_PORT', { min: 0, max: 65535 }),
    kafkaBrokers: brokers(required(env, 'AUTHLAB_KAFKA_BROKERS')),
    kafkaTopic: matching(env, 'AUTHLAB_KAFKA_TOPIC', TOPIC, 'a Kafka topic name', DEFAULT_TOPIC),
    kafkaGroup: matching(env, 'AUTHLAB_KAFKA_GROUP', TOPIC, 'a consumer group id', DEFAULT_GROUP),
    mongoUrl: mongoUrl(required(env, 'AUTHLAB_MONGO_URL')),
    mongoDb: matching(env, 'AUTHLAB_MONGO_DB', MONGO_DB, 'a database name', DEFAULT_DB),
    mongoCollection: PROFILES_COLLECTION,
    consumerMaxWaitMs: integer(env, 'AUTHLAB_CONSUMER_MAX_WAIT_MS', {
      min: 0,
      max: 60_000,
    }, DEFAULT_MAX_WAIT_MS),
    consumerMinBytes: integer(env, 'AUTHLAB_CONSUMER_MIN_BYTES', {
      min: 0,
      max: 64 * 1024 * 1024,
    }, DEFAULT_MIN_BYTES),
    partitionsConcurrency: PARTITIONS_CONCURRENCY,
    chunkSize: CHUNK_SIZE,
    writeConcurrency: WRITE_CONCURRENCY,
    mongoMaxPool: MONGO_MAX_POOL,
    shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS,
  };
  return Object.freeze({ ...config, kafkaBrokers: Object.freeze([...config.kafkaBrokers]) });
}

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw badInput(`${name} is not set; the lab runtime sets it for each replica`);
  return value;
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function matching(env: Env, name: string, rule: RegExp, expected: string, fallback?: string) {
  const value = fallback === undefined ? required(env, name) : optional(env, name) ?? fallback;
  if (!rule.test(value)) throw badInput(`${name} must be ${expected}, got "${value}"`);
  return value;
}

function integer(
  env: Env,
  name: string,
  range: { min: number; max: number },
  fallback?: number,
): number {
  const raw = fallback === undefined ? required(env, name) : optional(env, name);
  if (raw === undefined) return fallback as number;
  return parseInteger(raw, { name, ...range });
}

function brokers(raw: string): string[] {
  const list = raw.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  const bad = list.find((entry) => !BROKER.test(entry));
  if (list.length === 0 || bad !== undefined) {
    throw badInput(`AUTHLAB_KAFKA_BROKERS must be host:port[,host:port...], got "${raw}"`);
  }
  return list;
}

function mongoUrl(raw: string): string {
  if (!/^mongodb(\+srv)?:\/\/\S+$/.test(raw)) {
    throw badInput(`AUTHLAB_MONGO_URL must start with mongodb://, got "${raw}"`);
  }
  return raw;
}

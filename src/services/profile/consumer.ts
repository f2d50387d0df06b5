/**
 * The consumer-group member: reads the users topic in batches, applies each batch through the
 * ProfileWriter and commits an offset only once everything before it is written.
 *
 * Ordering: Debezium keys records by user id, so one user's changes share a partition and
 * arrive in WAL order. A chunk of a batch is split into rounds holding at most one change per
 * user (round k has each user's k-th change), applied one round after the other: per-user
 * order is kept while independent users go to Mongo together.
 */
import { Kafka, logLevel, type Admin, type Consumer, type EachBatchPayload } from 'kafkajs';
import type { KafkaMessage, LogEntry } from 'kafkajs';

import { describeError } from '../../errors.js';
import type { ApplyResult, ProfileWriter } from './apply-change.js';
import type { ProfileConfig } from './config.js';
import { parseEvent } from './event-parse.js';
import type { HealthReport } from './http.js';
import type { LogContext, Logger } from './log.js';
import type { ProfileMetrics } from './metrics.js';
import type { ProfileWrite } from './profile-document.js';
import { backoffMs, retryUntilStopped, sleep } from './retry.js';

export type ConsumerState =
  | 'starting'
  | 'waiting-for-topic'
  | 'consuming'
  | 'retrying-writes'
  | 'stopping'
  | 'stopped'
  | 'crashed';

export interface ConsumerDeps {
  config: ProfileConfig;
  writer: ProfileWriter;
  metrics: ProfileMetrics;
  log: Logger;
  /** Wall-clock epoch ms, fractional. */
  nowMs: () => number;
  /** Called once when kafkajs gives up for good; the process should exit non-zero. */
  onFatal: (error: unknown) => void;
}

type BatchControl = Pick<EachBatchPayload, 'heartbeat' | 'isRunning' | 'isStale'>;

const TOPIC_POLL_MS = 1000;
const READY_STATES = new Set<ConsumerState>(['waiting-for-topic', 'consuming']);

export class ProfileConsumer {
  private readonly deps: ConsumerDeps;
  private readonly kafka: Kafka;
  private readonly consumer: Consumer;
  private readonly stopSignal = new AbortController();
  private state: ConsumerState = 'starting';
  private assigned: number[] = [];

  constructor(deps: ConsumerDeps) {
    this.deps = deps;
    const { config } = deps;
    this.kafka = new Kafka({
      clientId: `authlab-${config.replica}`,
      brokers: [...config.kafkaBrokers],
      logLevel: logLevel.WARN,
      logCreator: () => (entry) => this.logKafka(entry),
    });
    this.consumer = this.kafka.consumer({
      groupId: config.kafkaGroup,
      maxWaitTimeInMs: config.consumerMaxWaitMs,
      minBytes: config.consumerMinBytes,
      // Debezium creates the topic; a consumer that created it would pick the partition count.
      allowAutoTopicCreation: false,
    });
    this.watchGroup();
  }

  health(): HealthReport {
    return {
      ok: READY_STATES.has(this.state),
      state: this.state,
      replica: this.deps.config.replica,
      topic: this.deps.config.kafkaTopic,
      partitions: this.assigned,
    };
  }

  /** Connects, waits for the topic to exist, joins the group and starts consuming. */
  async start(): Promise<void> {
    const { config, log } = this.deps;
    await this.untilDone('connect to kafka', () => this.consumer.connect());
    await this.waitForTopic();
    if (this.stopSignal.signal.aborted) return;

    await this.consumer.subscribe({ topic: config.kafkaTopic, fromBeginning: true });
    await this.consumer.run({
      partitionsConsumedConcurrently: config.partitionsConcurrency,
      eachBatchAutoResolve: false,
      autoCommit: true,
      autoCommitInterval: 1000,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    if (this.state !== 'stopping') this.state = 'consuming';
    log.info('consuming', { topic: config.kafkaTopic, group: config.kafkaGroup });
  }

  /**
   * Stops fetching, lets the in-flight batch finish (a write outage cuts it short, its
   * unwritten records stay uncommitted), commits, leaves the group and disconnects.
   */
  async stop(): Promise<void> {
    this.state = 'stopping';
    this.stopSignal.abort();
    await this.consumer.disconnect();
    this.state = 'stopped';
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isStale } = payload;
    const { chunkSize } = this.deps.config;

    for (let start = 0; start < batch.messages.length; start += chunkSize) {
      if (isStale()) return; // revoked or seeked: the next owner starts at our last commit

      const chunk = batch.messages.slice(start, start + chunkSize);
      const writes = this.parseChunk(batch.topic, batch.partition, chunk);
      for (const round of planRounds(writes)) {
        const results = await this.applyWithRetry(round, batch.topic, payload);
        if (results === undefined) return;
        this.record(batch.topic, round, results);
      }

      resolveOffset((chunk[chunk.length - 1] as KafkaMessage).offset);
      await heartbeat();
      await commitOffsetsIfNecessary();
    }
  }

  private parseChunk(topic: string, partition: number, chunk: KafkaMessage[]): ProfileWrite[] {
    const { metrics, log, nowMs } = this.deps;
    metrics.consumed.inc(chunk.length);

    const writes: ProfileWrite[] = [];
    for (const message of chunk) {
      const consumedAtMs = nowMs();
      const parsed = parseEvent(message.key, message.value);
      if (parsed.kind === 'ignored') {
        metrics.ignored.inc();
      } else if (parsed.kind === 'malformed') {
        metrics.failed.inc();
        const where = { topic, partition, offset: message.offset };
        log.warn('malformed event skipped', { ...where, reason: parsed.reason });
      } else {
        const kafka = {
          partition,
          offset: Number(message.offset),
          kafkaTsMs: Number(message.timestamp),
        };
        writes.push({ change: parsed.change, kafka, consumedAtMs });
      }
    }
    return writes;
  }

  /**
   * Retries a round until Mongo takes it, heartbeating so the group keeps this member during
   * an outage. Gives up (undefined) only when stopping or when the partition moved away:
   * never skips a change, never lets an offset pass an unwritten one.
   */
  private async applyWithRetry(
    round: ProfileWrite[],
    topic: string,
    control: BatchControl,
  ): Promise<ApplyResult[] | undefined> {
    const { writer, metrics, log } = this.deps;
    for (let failures = 0; ; failures++) {
      try {
        const results = await writer.applyRound(round);
        if (failures > 0) log.info('mongo writes recovered', { failures });
        if (this.state === 'retrying-writes') this.state = 'consuming';
        return results;
      } catch (error) {
        metrics.writeRetries.inc();
        if (this.state === 'consuming') this.state = 'retrying-writes';

        const retryInMs = backoffMs(failures);
        const first = round[0] as ProfileWrite;
        log.warn('mongo write failed, retrying', {
          topic,
          partition: first.kafka.partition,
          offset: first.kafka.offset,
          error: describeError(error),
          retryInMs,
        });
        await sleep(retryInMs, this.stopSignal.signal);
        if (this.stopSignal.signal.aborted || !control.isRunning() || control.isStale()) {
          return undefined;
        }
        await control.heartbeat();
      }
    }
  }

  private record(topic: string, round: ProfileWrite[], results: ApplyResult[]): void {
    const { metrics, log } = this.deps;
    results.forEach((result, i) => {
      const write = round[i] as ProfileWrite;
      if (result.outcome === 'applied') {
        metrics.applied.inc();
        const lagMs = result.writtenAtMs - write.change.sourceTsUs / 1000;
        metrics.lagSeconds.observe(lagMs / 1000);
      } else if (result.outcome === 'stale') {
        metrics.stale.inc();
      } else {
        metrics.failed.inc();
        log.warn('write refused, event skipped', {
          topic,
          partition: write.kafka.partition,
          offset: write.kafka.offset,
          user: write.change.userId,
          reason: result.reason,
        });
      }
    });
  }

  /** Debezium creates the topic with its first event, which may come long after we start. */
  private async waitForTopic(): Promise<void> {
    const { config, log } = this.deps;
    const admin: Admin = this.kafka.admin();
    await this.untilDone('connect kafka admin', () => admin.connect());
    try {
      for (let polls = 0; !this.stopSignal.signal.aborted; polls++) {
        const topics = await this.untilDone('list topics', () => admin.listTopics());
        if (topics.includes(config.kafkaTopic)) return;
        if (polls === 0) {
          this.state = 'waiting-for-topic';
          log.info('waiting for topic', { topic: config.kafkaTopic });
        }
        await sleep(TOPIC_POLL_MS, this.stopSignal.signal);
      }
    } finally {
      await admin.disconnect();
    }
  }

  private untilDone<T>(what: string, step: () => Promise<T>): Promise<T> {
    return retryUntilStopped(what, step, this.stopSignal.signal, this.deps.log);
  }

  private watchGroup(): void {
    const { events } = this.consumer;
    this.consumer.on(events.GROUP_JOIN, ({ payload }) => {
      this.assigned = payload.memberAssignment[this.deps.config.kafkaTopic] ?? [];
      this.deps.log.info('joined group', { partitions: this.assigned.join(',') || 'none' });
    });
    this.consumer.on(events.CRASH, ({ payload }) => {
      if (payload.restart) return; // kafkajs rejoins by itself
      this.state = 'crashed';
      this.deps.onFatal(payload.error);
    });
  }

  private logKafka(entry: LogEntry): void {
    const { message, ...extra } = entry.log;
    const context: LogContext = {};
    for (const [key, value] of Object.entries(extra)) {
      if (key === 'timestamp' || key === 'logger' || key === 'stack') continue;
      if (['string', 'number', 'boolean'].includes(typeof value)) {
        context[key] = value as string | number | boolean;
      }
    }
    const level = entry.level <= logLevel.ERROR ? 'error' : entry.level === logLevel.WARN ?
      'warn' : 'info';
    this.deps.log[level](`kafkajs: ${message}`, context);
  }
}

/** Splits one partition's changes into rounds of distinct users, keeping per-user order. */
export function planRounds<T extends { change: { userId: string } }>(writes: T[]): T[][] {
  const rounds: T[][] = [];
  const seen = new Map<string, number>();
  for (const write of writes) {
    const index = seen.get(write.change.userId) ?? 0;
    seen.set(write.change.userId, index + 1);
    (rounds[index] ??= []).push(write);
  }
  return rounds;
}

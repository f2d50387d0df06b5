/**
 * The consumer-group member: reads the users topic in batches, applies each batch through the
 * ProfileWriter and commits an offset only once everything before it is written.
 *
 * Ordering: Debezium keys records by user id, so one user's changes share a partition and
 * arrive in WAL order; round-plan.ts keeps that order within a chunk.
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
import { donePrefix, planRounds } from './round-plan.js';

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

type BatchControl = Pick<EachBatchPayload, 'batch' | 'heartbeat' | 'isRunning' | 'isStale'>;

const TOPIC_POLL_MS = 1000;
/** kafkajs's heartbeat interval; a round of slow FerretDB updates can outlast the session. */
const HEARTBEAT_EVERY_MS = 3000;
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

  /**
   * Writes a batch chunk by chunk, round by round, resolving the offset of every record
   * written so far after each round. A stop request ends the batch once the writes in
   * flight settle (a round of slow FerretDB updates could outlast the shutdown deadline);
   * what is left stays uncommitted, and the next owner redoes it idempotently.
   */
  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isStale } = payload;
    const { chunkSize } = this.deps.config;
    this.recordLag(batch, 0);

    for (let start = 0; start < batch.messages.length; start += chunkSize) {
      if (isStale()) return; // a seek made the rest of this batch unwanted
      // Throws if the group rebalanced (say this replica was paused past its session):
      // checked before writing so a member that lost the partition stops at once.
      await heartbeat();

      const chunk = batch.messages.slice(start, start + chunkSize);
      const plan = planRounds(this.parseChunk(batch.topic, batch.partition, chunk));
      let roundsDone = 0;
      for (const round of plan.rounds) {
        const results = await keepingMembership(payload, this.applyWithRetry(round, payload));
        if (results === undefined) break;
        this.record(batch.topic, round, results);
        roundsDone++;

        const done = donePrefix(plan.roundOf, roundsDone);
        if (done > 0) resolveOffset((chunk[done - 1] as KafkaMessage).offset);
      }

      if (plan.rounds.length === 0) resolveOffset((chunk[chunk.length - 1] as KafkaMessage).offset);
      await commitOffsetsIfNecessary();
      if (roundsDone < plan.rounds.length) return;
      this.recordLag(batch, start + chunk.length);
    }
  }

  /** Records left on the batch's partition once the first `handled` messages are written. */
  private recordLag(batch: EachBatchPayload['batch'], handled: number): void {
    const next = handled < batch.messages.length
      ? Number((batch.messages[handled] as KafkaMessage).offset)
      : Number(batch.lastOffset()) + 1;
    const lag = Math.max(0, Number(batch.highWatermark) - next);
    this.deps.metrics.consumerLag.set({ partition: String(batch.partition) }, lag);
  }

  /** One entry per record: the write it asks for, or null when there is nothing to write. */
  private parseChunk(
    topic: string,
    partition: number,
    chunk: KafkaMessage[],
  ): Array<ProfileWrite | null> {
    const { metrics, log, nowMs } = this.deps;
    metrics.consumed.inc(chunk.length);

    return chunk.map((message) => {
      const consumedAtMs = nowMs();
      const parsed = parseEvent(message.key, message.value);
      if (parsed.kind === 'ignored') {
        metrics.ignored.inc();
        return null;
      }
      if (parsed.kind === 'malformed') {
        metrics.failed.inc();
        const where = { topic, partition, offset: message.offset };
        log.warn('malformed event skipped', { ...where, reason: parsed.reason });
        return null;
      }
      const offset = Number(message.offset);
      const kafka = { partition, offset, kafkaTsMs: Number(message.timestamp) };
      return { change: parsed.change, kafka, consumedAtMs };
    });
  }

  /**
   * Retries a round until Mongo takes it. Gives up (undefined) only when stopping or after a
   * seek, and throws when the group took the partition away: never skips a change, never
   * lets an offset pass an unwritten one.
   */
  private async applyWithRetry(
    round: ProfileWrite[],
    control: BatchControl,
  ): Promise<ApplyResult[] | undefined> {
    const { writer, metrics, log } = this.deps;
    for (let failures = 0; ; failures++) {
      try {
        const results = await writer.applyRound(round, this.stopSignal.signal);
        if (failures > 0) log.info('mongo writes recovered', { failures });
        if (this.state === 'retrying-writes') this.state = 'consuming';
        return results;
      } catch (error) {
        if (this.stopSignal.signal.aborted) return undefined;
        metrics.writeRetries.inc();
        if (this.state === 'consuming') this.state = 'retrying-writes';

        const retryInMs = backoffMs(failures);
        const first = round[0] as ProfileWrite;
        log.warn('mongo write failed, retrying', {
          topic: control.batch.topic,
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
      // Partitions this replica no longer owns must not keep showing their last lag.
      this.deps.metrics.consumerLag.reset();
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

/**
 * Heartbeats while a round is written or retried, so neither a long round nor a Mongo
 * outage costs the group membership. A heartbeat that fails (the group rebalanced) fails the
 * batch once the round settles; its records stay unresolved and the next owner redoes them.
 */
async function keepingMembership<T>(control: BatchControl, work: Promise<T>): Promise<T> {
  let lost: unknown;
  const timer = setInterval(() => {
    control.heartbeat().catch((error: unknown) => {
      lost ??= error;
    });
  }, HEARTBEAT_EVERY_MS);
  try {
    const result = await work;
    if (lost !== undefined) throw lost;
    return result;
  } finally {
    clearInterval(timer);
  }
}

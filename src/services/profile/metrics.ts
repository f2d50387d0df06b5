/**
 * The profile service's Prometheus metrics, on a registry of its own with every series
 * labelled by replica, so replicas scraped into one Prometheus stay apart.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ProfileMetrics {
  readonly registry: Registry;
  /** Every record read from the topic, whatever became of it. */
  readonly consumed: Counter;
  /** Changes that moved a document forward. */
  readonly applied: Counter;
  /** Changes older than (or equal to) the stored document: replays and reordering. */
  readonly stale: Counter;
  /** Records that cannot be applied and were skipped: malformed or refused by Mongo. */
  readonly failed: Counter;
  /** Records with nothing to apply: tombstones, heartbeats, truncates. */
  readonly ignored: Counter;
  /** Write attempts that failed and will be retried (Mongo down or slow). */
  readonly writeRetries: Counter;
  /** One Mongo write call: an insertMany of a round, or one document's replace. */
  readonly writeSeconds: Histogram;
  /** writtenAt - the commit time in Postgres (source ts_us), per applied change. */
  readonly lagSeconds: Histogram;
  /**
   * Per assigned partition: records behind the partition's end as of the last fetch (high
   * watermark - the next offset to handle). Reset when the assignment changes.
   */
  readonly consumerLag: Gauge<'partition'>;
}

/** 0.5 ms to 10 s: FerretDB writes sit around a few ms, an outage pushes to seconds. */
const WRITE_BUCKETS_S = [
  0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10,
];
/** 5 ms to 2 min: the pipeline's floor is Debezium's poll interval, its ceiling a backlog. */
const LAG_BUCKETS_S = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
];

export function createProfileMetrics(replica: string): ProfileMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ replica });
  collectDefaultMetrics({ register: registry, prefix: 'authlab_profile_' });

  const counter = (name: string, help: string) =>
    new Counter({ name: `authlab_profile_${name}`, help, registers: [registry] });

  return {
    registry,
    consumed: counter('events_consumed_total', 'Records read from the users topic.'),
    applied: counter('events_applied_total', 'Changes written to a profile document.'),
    stale: counter('events_stale_total', 'Changes not newer than the stored document.'),
    failed: counter('events_failed_total', 'Records skipped: malformed or refused by Mongo.'),
    ignored: counter('events_ignored_total', 'Tombstones, heartbeats and truncates.'),
    writeRetries: counter('write_retries_total', 'Failed Mongo writes that will be retried.'),
    writeSeconds: new Histogram({
      name: 'authlab_profile_write_duration_seconds',
      help: 'Duration of one Mongo write call.',
      buckets: WRITE_BUCKETS_S,
      registers: [registry],
    }),
    lagSeconds: new Histogram({
      name: 'authlab_profile_lag_seconds',
      help: 'Write time minus Postgres commit time of each applied change.',
      buckets: LAG_BUCKETS_S,
      registers: [registry],
    }),
    consumerLag: new Gauge({
      name: 'authlab_profile_consumer_lag_events',
      help: 'Records on an assigned partition not yet handled, as of the last fetch.',
      labelNames: ['partition'],
      registers: [registry],
    }),
  };
}

/**
 * Every default of the lab in one place, each with the reason it has that value.
 * Units are in the names.
 */
export const DEFAULTS = Object.freeze({
  /** Far from 5432/6379/9092/27017, so a lab never collides with system services. */
  portBase: 15400,

  /** The local runtime runs on any machine with the Debian packages; docker needs an engine. */
  runtime: 'local' as const,

  /** One of each: the smallest stack that exercises the whole pipeline. */
  authReplicas: 1,
  profileReplicas: 1,

  /**
   * bcrypt cost of the auth service. 10 is the common production floor; a lab may lower it
   * to study throughput without the hash dominating. It is recorded in every run.
   */
  bcryptCost: 10,

  /** Partitions of the Debezium topic: enough for 8 profile replicas to share the work. */
  topicPartitions: 8,

  /** JVM heaps: the machine has 2 cores; small heaps keep GC pauses short and start fast. */
  kafkaHeapMb: 512,
  connectHeapMb: 512,

  /** The slowest component (Kafka Connect on 2 busy cores) takes about 30 s to answer. */
  readyTimeoutMs: 180_000,

  /** How long a component gets to exit on SIGTERM before it is killed. */
  stopTimeoutMs: 20_000,
});

/** Upper limits on replica counts; each replica is a process with its own port. */
export const LIMITS = Object.freeze({
  maxAuthReplicas: 32,
  maxProfileReplicas: 32,
});

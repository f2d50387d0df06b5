/**
 * The server settings every lab Postgres runs with, whichever runtime starts it, as
 * `-c name=value` arguments.
 */
export const POSTGRES_SERVER_ARGS: readonly string[] = [
  // Debezium streams changes through logical decoding (pgoutput).
  '-c', 'wal_level=logical',
  '-c', 'max_wal_senders=10',
  '-c', 'max_replication_slots=10',
  // An idle or stuck slot pins WAL without limit; cap what it may hold.
  '-c', 'max_slot_wal_keep_size=2GB',
  '-c', 'max_connections=200',
  '-c', 'timezone=UTC',
  '-c', 'log_timezone=UTC',
];

/**
 * Debezium change events of the `users` table -> profile changes. Pure: no clock, no I/O.
 *
 * The connector writes JSON without schemas: key {"id": uuid}, value the envelope
 * {before, after, source, op, ts_ms, ts_us, ts_ns, transaction}. A delete is followed by a
 * tombstone (null value) for log compaction. Anything else is reported, never thrown, so one
 * bad record cannot stop a partition.
 */

export type ChangeOp = 'c' | 'u' | 'd' | 'r';

/** The user fields a profile keeps; the password hash never leaves Postgres. */
export interface ProfileFields {
  email: string;
  displayName: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ProfileChange {
  userId: string;
  op: ChangeOp;
  /** The row after the change; null for a delete. */
  profile: ProfileFields | null;
  /** Where the change sits in Postgres's WAL; orders changes of one row. */
  lsn: number;
  txId: number | null;
  /** Commit time in Postgres. */
  sourceTsMs: number;
  sourceTsUs: number;
  /** When Debezium processed the change; null if the envelope lacks it. */
  dbzTsMs: number | null;
  dbzTsUs: number | null;
}

export type ParsedEvent =
  | { kind: 'change'; change: ProfileChange }
  | { kind: 'ignored'; reason: string }
  | { kind: 'malformed'; reason: string };

type Json = Record<string, unknown>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d/;
const ROW_OPS = new Set<string>(['c', 'u', 'd', 'r']);

class Malformed extends Error {}

type RawBytes = Buffer | string | null;

export function parseEvent(key: RawBytes, value: RawBytes): ParsedEvent {
  if (value === null || value.length === 0) return { kind: 'ignored', reason: 'tombstone' };

  try {
    return parseEnvelope(parseJson(key, 'key'), unwrap(parseJson(value, 'value')));
  } catch (error) {
    if (error instanceof Malformed) return { kind: 'malformed', reason: error.message };
    throw error;
  }
}

function parseEnvelope(key: unknown, envelope: unknown): ParsedEvent {
  if (envelope === null) return { kind: 'ignored', reason: 'tombstone' };
  const value = object(envelope, 'value');

  const op = value.op;
  if (op === undefined && isHeartbeat(value)) return { kind: 'ignored', reason: 'heartbeat' };
  // Limitation: a TRUNCATE is not applied; marking every profile deleted would need an
  // updateMany ordered against each document's LSN. The lab never truncates users.
  if (op === 't') return { kind: 'ignored', reason: 'truncate' };
  if (op === 'm') return { kind: 'ignored', reason: 'logical decoding message' };
  if (typeof op !== 'string' || !ROW_OPS.has(op)) throw new Malformed(`unknown op ${show(op)}`);

  const source = object(value.source, 'source');
  if (source.table !== undefined && source.table !== 'users') {
    throw new Malformed(`event of table ${show(source.table)}, expected users`);
  }

  const row = op === 'd' ? object(value.before, 'before') : object(value.after, 'after');
  const userId = uuid(row.id, op === 'd' ? 'before.id' : 'after.id');
  checkKey(key, userId);

  const sourceTsMs = integer(source.ts_ms, 'source.ts_ms');
  const change: ProfileChange = {
    userId,
    op: op as ChangeOp,
    profile: op === 'd' ? null : profileFields(row),
    lsn: integer(source.lsn, 'source.lsn'),
    txId: optionalInteger(source.txId, 'source.txId'),
    sourceTsMs,
    // Older connectors send ts_ms only; the commit time is then known to the millisecond.
    sourceTsUs: optionalInteger(source.ts_us, 'source.ts_us') ?? sourceTsMs * 1000,
    dbzTsMs: optionalInteger(value.ts_ms, 'ts_ms'),
    dbzTsUs: optionalInteger(value.ts_us, 'ts_us'),
  };
  return { kind: 'change', change };
}

function profileFields(after: Json): ProfileFields {
  if (typeof after.email !== 'string' || after.email === '') {
    throw new Malformed(`after.email must be a non-empty string, got ${show(after.email)}`);
  }
  const displayName = after.display_name ?? null;
  if (displayName !== null && typeof displayName !== 'string') {
    throw new Malformed(`after.display_name must be a string or null, got ${show(displayName)}`);
  }
  return {
    email: after.email,
    displayName,
    createdAt: timestamp(after.created_at, 'after.created_at'),
    updatedAt: timestamp(after.updated_at, 'after.updated_at'),
  };
}

/** A schemas-enabled converter wraps the envelope as {schema, payload}; accept both. */
function unwrap(value: unknown): unknown {
  if (isObject(value) && 'schema' in value && 'payload' in value) return value.payload;
  return value;
}

/** Debezium heartbeats carry only {ts_ms}; they belong on another topic but are harmless. */
function isHeartbeat(value: Json): boolean {
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === 'ts_ms';
}

/** The key must name the same user as the row; a null or absent key is tolerated. */
function checkKey(key: unknown, userId: string): void {
  const payload = unwrap(key);
  if (payload === null || payload === undefined) return;
  const keyId = object(payload, 'key').id;
  if (typeof keyId !== 'string' || keyId.toLowerCase() !== userId.toLowerCase()) {
    throw new Malformed(`key id ${show(keyId)} does not match row id ${userId}`);
  }
}

function parseJson(raw: RawBytes, what: string): unknown {
  if (raw === null || raw.length === 0) return null;
  try {
    return JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    throw new Malformed(`${what} is not JSON`);
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown, what: string): Json {
  if (!isObject(value)) throw new Malformed(`${what} must be an object, got ${show(value)}`);
  return value;
}

function uuid(value: unknown, what: string): string {
  if (typeof value !== 'string' || !UUID.test(value)) {
    throw new Malformed(`${what} must be a uuid, got ${show(value)}`);
  }
  return value.toLowerCase();
}

// Limitation: JSON.parse reads int64 fields (lsn, ts_us) as doubles, exact up to 2^53:
// 8 PiB of WAL, or ts_us until the year 2255.
function integer(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new Malformed(`${what} must be a non-negative integer, got ${show(value)}`);
  }
  return value;
}

function optionalInteger(value: unknown, what: string): number | null {
  return value === undefined || value === null ? null : integer(value, what);
}

/** ZonedTimestamp: an ISO-8601 string with an offset, microseconds kept by Postgres. */
function timestamp(value: unknown, what: string): Date {
  if (typeof value === 'string' && ISO_DATE_TIME.test(value)) {
    const parsed = new Date(value);
    if (!Number.isNaN(parsed.getTime())) return parsed;
  }
  throw new Malformed(`${what} must be an ISO-8601 timestamp, got ${show(value)}`);
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

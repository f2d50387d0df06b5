/**
 * The profile document as stored in Mongo, and the version order between a change and it.
 */
import type { ProfileChange } from './event-parse.js';

/** Where a record was read from, as stored for lag analysis. */
export interface KafkaPlace {
  partition: number;
  offset: number;
  kafkaTsMs: number;
}

/** A parsed change with what the consumer knows about the record that carried it. */
export interface ProfileWrite {
  change: ProfileChange;
  kafka: KafkaPlace;
  /** Wall-clock epoch ms (fractional) when the consumer took the record. */
  consumedAtMs: number;
}

/** Per-stage timestamps and provenance; (lsn, sourceTsUs) is the document's version. */
export interface CdcStamp {
  lsn: number;
  txId: number | null;
  op: string;
  sourceTsMs: number;
  sourceTsUs: number;
  dbzTsMs: number | null;
  dbzTsUs: number | null;
  kafkaTsMs: number;
  consumedAtMs: number;
  writtenAtMs: number;
  replica: string;
  partition: number;
  offset: number;
}

export interface ProfileDocument {
  _id: string;
  email: string | null;
  displayName: string | null;
  createdAt: Date | null;
  updatedAt: Date | null;
  deleted: boolean;
  cdc: CdcStamp;
}

export interface StoredVersion {
  lsn: number;
  tsUs: number;
}

/** WAL order first; ts_us only breaks ties. Equal versions are the same change: not newer. */
export function isNewer(change: ProfileChange, stored: StoredVersion): boolean {
  if (change.lsn !== stored.lsn) return change.lsn > stored.lsn;
  return change.sourceTsUs > stored.tsUs;
}

/** The version of a stored document; null when it has none (not written by this service). */
export function storedVersion(doc: Pick<ProfileDocument, 'cdc'>): StoredVersion | null {
  const lsn = doc.cdc?.lsn;
  const tsUs = doc.cdc?.sourceTsUs;
  return typeof lsn === 'number' && typeof tsUs === 'number' ? { lsn, tsUs } : null;
}

export function profileDocument(
  write: ProfileWrite,
  replica: string,
  writtenAtMs: number,
): ProfileDocument {
  const { change, kafka } = write;
  const profile = change.profile;
  return {
    _id: change.userId,
    email: profile?.email ?? null,
    displayName: profile?.displayName ?? null,
    createdAt: profile?.createdAt ?? null,
    updatedAt: profile?.updatedAt ?? null,
    // A delete leaves this tombstone, so a late create or update finds a newer version.
    deleted: change.op === 'd',
    cdc: {
      lsn: change.lsn,
      txId: change.txId,
      op: change.op,
      sourceTsMs: change.sourceTsMs,
      sourceTsUs: change.sourceTsUs,
      dbzTsMs: change.dbzTsMs,
      dbzTsUs: change.dbzTsUs,
      kafkaTsMs: kafka.kafkaTsMs,
      consumedAtMs: write.consumedAtMs,
      writtenAtMs,
      replica,
      partition: kafka.partition,
      offset: kafka.offset,
    },
  };
}

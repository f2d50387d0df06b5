/**
 * Profile changes -> profile documents, without ever moving a document backwards.
 *
 * A document's version is its change's (LSN, commit ts_us); a change is written only if it is
 * newer than the stored version. Two paths:
 * - creates and snapshot reads go through one insertMany per round: an insert succeeds only
 *   when no document exists, atomically on MongoDB and on FerretDB (unique _id index), and it
 *   is FerretDB's one fast write (one SQLite transaction for the whole batch);
 * - everything else, and every insert that met an existing document, reads the stored
 *   version, compares, then replaces.
 *
 * Why not one conditional upsert ({_id, version < mine}, upsert): FerretDB v1 evaluates any
 * filter other than a bare {_id} by reading the whole collection into Go (7 writes/s at 2,000
 * documents), its update is a read then a write anyway (not atomic), and a duplicate key from
 * the upsert cannot tell "a newer document exists" from "an older one was inserted under me".
 */
import type { Collection, Db, Filter } from 'mongodb';
import { MongoBulkWriteError, MongoServerError } from 'mongodb';

import { LabError } from '../../errors.js';
import type { ProfileChange } from './event-parse.js';

export interface KafkaPlace {
  partition: number;
  offset: number;
  kafkaTsMs: number;
}

export interface ProfileWrite {
  change: ProfileChange;
  kafka: KafkaPlace;
  /** Wall-clock epoch ms (fractional) when the consumer took the record. */
  consumedAtMs: number;
}

export type ApplyResult =
  | { outcome: 'applied'; writtenAtMs: number }
  | { outcome: 'stale' }
  | { outcome: 'refused'; reason: string };

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

export interface WriterOptions {
  replica: string;
  /**
   * Put the stored version into the replace filter, making read-compare-replace a real
   * compare-and-set. True for MongoDB; false for FerretDB v1, where such a filter scans
   * the collection in Go and is checked non-atomically anyway.
   */
  casInFilter: boolean;
  /** Documents of one round read-compare-replaced in parallel. */
  concurrency: number;
  /** Wall-clock epoch ms, fractional. */
  nowMs: () => number;
  /** Duration of each Mongo write call, for the write latency histogram. */
  onWrite?: (seconds: number) => void;
}

export interface StoredVersion {
  lsn: number;
  tsUs: number;
}

/** Server errors that retrying cannot fix: the document itself is refused. */
const PERMANENT_CODES = new Set([2, 9, 14, 52, 121, 10334, 17280]);
const DUPLICATE_KEY = 11000;
/** Compare-and-set attempts on one document before the round is retried from the top. */
const MAX_CAS_ATTEMPTS = 5;

export class ProfileWriter {
  private readonly collection: Collection<ProfileDocument>;
  private readonly options: WriterOptions;
  /** Tail of the read-compare-replace chain of each user being written in this process. */
  private readonly busy = new Map<string, Promise<unknown>>();

  constructor(collection: Collection<ProfileDocument>, options: WriterOptions) {
    this.collection = collection;
    this.options = options;
  }

  /**
   * Applies changes of distinct users. Throws (retriable) when Mongo fails; applying the
   * same round again is safe, already written changes then come back stale.
   */
  async applyRound(writes: readonly ProfileWrite[]): Promise<ApplyResult[]> {
    const results: ApplyResult[] = new Array(writes.length);
    const inserts = writes.flatMap((w, i) => (isCreate(w.change) ? [i] : []));
    const others = writes.flatMap((w, i) => (isCreate(w.change) ? [] : [i]));

    const conflicts = inserts.length > 0 ? await this.insertAll(inserts, writes, results) : [];

    await settleAll([...conflicts, ...others], this.options.concurrency, async (i) => {
      results[i] = await this.apply(writes[i] as ProfileWrite);
    });
    return results;
  }

  /** One change by read-compare-replace; concurrent calls for one user run one at a time. */
  apply(write: ProfileWrite): Promise<ApplyResult> {
    return this.serialized(write.change.userId, () => this.compareAndReplace(write));
  }

  /** Returns the indexes that met an existing document. */
  private async insertAll(
    indexes: number[],
    writes: readonly ProfileWrite[],
    results: ApplyResult[],
  ): Promise<number[]> {
    const writtenAtMs = this.options.nowMs();
    const docs = indexes.map((i) => this.document(writes[i] as ProfileWrite, writtenAtMs));
    const failed = new Map<number, number>();

    try {
      await this.timed(() => this.collection.insertMany(docs, { ordered: false }));
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError)) throw error;
      const writeErrors = [error.writeErrors].flat();
      if (writeErrors.length === 0) throw error;
      for (const writeError of writeErrors) failed.set(writeError.index, writeError.code);
      const retriable = [...failed.values()].find(
        (code) => code !== DUPLICATE_KEY && !PERMANENT_CODES.has(code),
      );
      if (retriable !== undefined) throw error;
    }

    const conflicts: number[] = [];
    indexes.forEach((writeIndex, docIndex) => {
      const code = failed.get(docIndex);
      if (code === undefined) results[writeIndex] = { outcome: 'applied', writtenAtMs };
      else if (code === DUPLICATE_KEY) conflicts.push(writeIndex);
      else results[writeIndex] = { outcome: 'refused', reason: `insert refused, code ${code}` };
    });
    return conflicts;
  }

  private async compareAndReplace(write: ProfileWrite): Promise<ApplyResult> {
    const { change } = write;
    for (let attempt = 1; attempt <= MAX_CAS_ATTEMPTS; attempt++) {
      const stored = await this.readVersion(change.userId);

      if (stored === undefined) {
        const writtenAtMs = this.options.nowMs();
        const inserted = await this.insertOne(this.document(write, writtenAtMs));
        if (inserted === true) return { outcome: 'applied', writtenAtMs };
        if (inserted !== false) return inserted;
        continue; // another writer inserted first: compare against its version
      }

      if (stored !== null && !isNewer(change, stored)) return { outcome: 'stale' };

      const writtenAtMs = this.options.nowMs();
      const replaced = await this.replace(this.document(write, writtenAtMs), stored);
      if (replaced === true) return { outcome: 'applied', writtenAtMs };
      if (replaced !== false) return replaced;
    }
    throw new LabError('UNAVAILABLE', `profile ${change.userId} kept changing under ` +
      `${MAX_CAS_ATTEMPTS} compare-and-set attempts; another writer is active`, {
      retriable: true,
    });
  }

  /** undefined: no document; null: a document without a version (not written by us). */
  private async readVersion(userId: string): Promise<StoredVersion | null | undefined> {
    const doc = await this.collection.findOne(
      { _id: userId },
      { projection: { 'cdc.lsn': 1, 'cdc.sourceTsUs': 1 } },
    );
    if (doc === null) return undefined;
    const lsn = doc.cdc?.lsn;
    const tsUs = doc.cdc?.sourceTsUs;
    return typeof lsn === 'number' && typeof tsUs === 'number' ? { lsn, tsUs } : null;
  }

  /** true: inserted; false: a document with this _id exists. */
  private async insertOne(doc: ProfileDocument): Promise<boolean | ApplyResult> {
    try {
      await this.timed(() => this.collection.insertOne(doc));
      return true;
    } catch (error) {
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return false;
      return refusedOrThrow(error);
    }
  }

  /** true: replaced; false: the stored version changed since it was read. */
  private async replace(
    doc: ProfileDocument,
    stored: StoredVersion | null,
  ): Promise<boolean | ApplyResult> {
    const filter: Filter<ProfileDocument> =
      this.options.casInFilter && stored !== null
        ? { _id: doc._id, 'cdc.lsn': stored.lsn, 'cdc.sourceTsUs': stored.tsUs }
        : { _id: doc._id };
    try {
      const result = await this.timed(() => this.collection.replaceOne(filter, doc));
      return result.matchedCount === 1;
    } catch (error) {
      return refusedOrThrow(error);
    }
  }

  private document(write: ProfileWrite, writtenAtMs: number): ProfileDocument {
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
        replica: this.options.replica,
        partition: kafka.partition,
        offset: kafka.offset,
      },
    };
  }

  private async timed<T>(write: () => Promise<T>): Promise<T> {
    const startMs = performance.now();
    try {
      return await write();
    } finally {
      this.options.onWrite?.((performance.now() - startMs) / 1000);
    }
  }

  private serialized<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.busy.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    this.busy.set(key, tail);
    void tail.then(() => {
      if (this.busy.get(key) === tail) this.busy.delete(key);
    });
    return next;
  }
}

/** FerretDB answers buildInfo with its own version beside the MongoDB one it emulates. */
export async function isFerretDb(db: Db): Promise<boolean> {
  const info = await db.admin().command({ buildInfo: 1 });
  return 'ferretdbVersion' in info;
}

export function isNewer(change: ProfileChange, stored: StoredVersion): boolean {
  if (change.lsn !== stored.lsn) return change.lsn > stored.lsn;
  return change.sourceTsUs > stored.tsUs;
}

function isCreate(change: ProfileChange): boolean {
  return change.op === 'c' || change.op === 'r';
}

function refusedOrThrow(error: unknown): ApplyResult {
  if (error instanceof MongoServerError && PERMANENT_CODES.has(Number(error.code))) {
    return { outcome: 'refused', reason: `${error.codeName ?? 'code ' + error.code}` };
  }
  throw error;
}

/**
 * Runs task over items, at most `limit` at a time. After a failure it starts no more items
 * but waits for those in flight, so a retry never overlaps them; then throws the failure.
 */
async function settleAll<T>(items: T[], limit: number, task: (item: T) => Promise<void>) {
  let next = 0;
  let firstError: unknown;
  const worker = async () => {
    while (next < items.length && firstError === undefined) {
      const item = items[next++] as T;
      try {
        await task(item);
      } catch (error) {
        firstError ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (firstError !== undefined) throw firstError;
}

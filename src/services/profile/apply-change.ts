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
 *
 * Limitation: on FerretDB v1 nothing is atomic but an insert, so two processes writing one
 * user at the same moment can leave the older change on top. The consumer never does (one
 * partition, one owner); a replica that keeps writing after losing its partition (paused past
 * the session timeout) could. MongoDB proper gets a real compare-and-set (server: mongodb).
 */
import type { Collection, Db, Filter } from 'mongodb';
import { MongoServerError } from 'mongodb';

import { LabError } from '../../errors.js';
import type { ProfileChange } from './event-parse.js';
import { InsertBatcher } from './insert-batcher.js';
import {
  isNewer,
  profileDocument,
  storedVersion,
  type ProfileDocument,
  type ProfileWrite,
  type StoredVersion,
} from './profile-document.js';

export type ApplyResult =
  | { outcome: 'applied'; writtenAtMs: number }
  | { outcome: 'stale' }
  | { outcome: 'refused'; reason: string };

export interface WriterOptions {
  replica: string;
  /**
   * Which server's strengths to play to; the guarantees are the same on both.
   * - mongodb: the stored version goes into the replace filter, a real compare-and-set,
   *   and a round reads all stored versions with one {_id: {$in}} query;
   * - ferretdb (v1, SQLite): the filter is a bare {_id}, because any other filter is
   *   evaluated by decoding the whole collection in Go (and not atomically anyway), and
   *   versions are read one _id at a time, because $in takes that same whole-collection
   *   path (about 2 s at 8,000 documents against 2 to 90 ms per single read).
   */
  server: 'mongodb' | 'ferretdb';
  /** Documents of one round read-compare-replaced in parallel. */
  concurrency: number;
  /** Wall-clock epoch ms, fractional. */
  nowMs: () => number;
  /** Duration of each Mongo write call, for the write latency histogram. */
  onWrite?: (seconds: number) => void;
}

/** What is known of a user's document before the first compare: read it, absent, or this. */
type KnownVersion = 'unread' | 'absent' | StoredVersion | null;

/** Server errors that retrying cannot fix: the document itself is refused. */
const PERMANENT_CODES = new Set([2, 9, 14, 52, 121, 10334, 17280]);
const DUPLICATE_KEY = 11000;
/** Most documents in one insertMany: several partitions' chunks (config.ts CHUNK_SIZE). */
const MAX_INSERT_DOCUMENTS = 2000;
/** Compare-and-set attempts on one document before the round is retried from the top. */
const MAX_CAS_ATTEMPTS = 5;

export class ProfileWriter {
  private readonly collection: Collection<ProfileDocument>;
  private readonly options: WriterOptions;
  /** Tail of the queue of work on each user being written by this process. */
  private readonly busy = new Map<string, Promise<unknown>>();
  private readonly inserts: InsertBatcher<ProfileDocument>;

  constructor(collection: Collection<ProfileDocument>, options: WriterOptions) {
    this.collection = collection;
    this.options = options;
    this.inserts = new InsertBatcher({
      insertMany: (docs) => this.timed(() => collection.insertMany(docs, { ordered: false })),
      nowMs: options.nowMs,
      maxDocuments: MAX_INSERT_DOCUMENTS,
    });
  }

  /**
   * Applies changes of distinct users. Throws (retriable) when Mongo fails, and the signal's
   * reason when it aborts (after the writes in flight); applying the same round again is
   * safe, already written changes then come back stale. Work on the same users from other
   * calls waits for the whole round, and the round for it.
   */
  applyRound(writes: readonly ProfileWrite[], signal?: AbortSignal): Promise<ApplyResult[]> {
    const ids = writes.map((w) => w.change.userId);
    if (new Set(ids).size !== ids.length) {
      const error = new LabError('INTERNAL', 'a round must hold at most one change per user');
      return Promise.reject(error);
    }
    return this.serialized(ids, () => this.applyRoundNow(writes, signal));
  }

  /** One change by read-compare-replace. */
  apply(write: ProfileWrite): Promise<ApplyResult> {
    return this.serialized([write.change.userId], () => this.compareAndReplace(write, 'unread'));
  }

  private async applyRoundNow(
    writes: readonly ProfileWrite[],
    signal: AbortSignal | undefined,
  ): Promise<ApplyResult[]> {
    const results: ApplyResult[] = new Array(writes.length);
    const inserts = writes.flatMap((w, i) => (isCreate(w.change) ? [i] : []));
    const others = writes.flatMap((w, i) => (isCreate(w.change) ? [] : [i]));

    const conflicts = inserts.length > 0 ? await this.insertAll(inserts, writes, results) : [];

    const pending = [...conflicts, ...others];
    const ids = pending.map((i) => (writes[i] as ProfileWrite).change.userId);
    const batchRead = this.options.server === 'mongodb' && pending.length > 1;
    const known = batchRead ? await this.readVersions(ids) : undefined;

    await settleAll(pending, this.options.concurrency, signal, async (i) => {
      const write = writes[i] as ProfileWrite;
      const first = known ? known.get(write.change.userId) ?? 'absent' : 'unread';
      results[i] = await this.compareAndReplace(write, first);
    });
    return results;
  }

  /** Returns the indexes (into writes) that met an existing document. */
  private async insertAll(
    indexes: number[],
    writes: readonly ProfileWrite[],
    results: ApplyResult[],
  ): Promise<number[]> {
    const { writtenAtMs, failed, error } = await this.inserts.insert((atMs) =>
      indexes.map((i) => this.document(writes[i] as ProfileWrite, atMs)));
    const retriable = [...failed.values()].find(
      (code) => code !== DUPLICATE_KEY && !PERMANENT_CODES.has(code),
    );
    if (retriable !== undefined) throw error;

    const conflicts: number[] = [];
    indexes.forEach((writeIndex, docIndex) => {
      const code = failed.get(docIndex);
      if (code === undefined) results[writeIndex] = { outcome: 'applied', writtenAtMs };
      else if (code === DUPLICATE_KEY) conflicts.push(writeIndex);
      else results[writeIndex] = { outcome: 'refused', reason: `insert refused, code ${code}` };
    });
    return conflicts;
  }

  private async compareAndReplace(write: ProfileWrite, first: KnownVersion): Promise<ApplyResult> {
    const { change } = write;
    let known = first;
    for (let attempt = 1; attempt <= MAX_CAS_ATTEMPTS; attempt++) {
      const stored = known === 'unread' ? await this.readVersion(change.userId) : known;
      known = 'unread';

      if (stored === 'absent') {
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

  private async readVersion(userId: string): Promise<StoredVersion | null | 'absent'> {
    const doc = await this.collection.findOne({ _id: userId }, { projection: VERSION_FIELDS });
    return doc === null ? 'absent' : storedVersion(doc);
  }

  /** Users without a document are missing from the map. */
  private async readVersions(userIds: string[]): Promise<Map<string, StoredVersion | null>> {
    const docs = await this.collection
      .find({ _id: { $in: userIds } }, { projection: VERSION_FIELDS })
      .toArray();
    return new Map(docs.map((doc) => [doc._id, storedVersion(doc)]));
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
      this.options.server === 'mongodb' && stored !== null
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
    return profileDocument(write, this.options.replica, writtenAtMs);
  }

  private async timed<T>(write: () => Promise<T>): Promise<T> {
    const startMs = performance.now();
    try {
      return await write();
    } finally {
      this.options.onWrite?.((performance.now() - startMs) / 1000);
    }
  }

  /**
   * Runs task after all earlier work on any of these users, and makes later work on them
   * wait for it. Queues only ever wait on earlier entries, so they cannot deadlock.
   */
  private serialized<T>(keys: string[], task: () => Promise<T>): Promise<T> {
    const earlier = keys.map((key) => this.busy.get(key) ?? Promise.resolve());
    const next = Promise.all(earlier).then(task);
    const tail = next.catch(() => undefined);
    for (const key of keys) this.busy.set(key, tail);
    void tail.then(() => {
      for (const key of keys) if (this.busy.get(key) === tail) this.busy.delete(key);
    });
    return next;
  }
}

const VERSION_FIELDS = { 'cdc.lsn': 1, 'cdc.sourceTsUs': 1 } as const;

/** FerretDB answers buildInfo with its own version beside the MongoDB one it emulates. */
export async function isFerretDb(db: Db): Promise<boolean> {
  const info = await db.admin().command({ buildInfo: 1 });
  return 'ferretdbVersion' in info;
}

function isCreate(change: ProfileChange): boolean {
  return change.op === 'c' || change.op === 'r';
}

function refusedOrThrow(error: unknown): ApplyResult {
  if (error instanceof MongoServerError && PERMANENT_CODES.has(Number(error.code))) {
    return { outcome: 'refused', reason: error.codeName ?? `code ${error.code}` };
  }
  throw error;
}

/**
 * Runs task over items, at most `limit` at a time. After a failure or an abort it starts no
 * more items but waits for those in flight, so a retry never overlaps them; then throws.
 */
async function settleAll<T>(
  items: T[],
  limit: number,
  signal: AbortSignal | undefined,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let firstError: unknown;
  const worker = async () => {
    while (next < items.length && firstError === undefined && !signal?.aborted) {
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
  if (next < items.length) throw signal?.reason;
}

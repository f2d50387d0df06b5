/**
 * One insertMany at a time per process, carrying every insert that asked while the previous
 * one was in flight (a group commit).
 *
 * Why: partitions are written concurrently, and each would otherwise send its own
 * insertMany. On FerretDB v1 (SQLite) concurrent write transactions do not queue: all but
 * one fail with SQLITE_BUSY and sleep in SQLite's busy handler (1, 2, 5, 10 ms and up)
 * before trying again, so two small inserts at once take longer than one twice their size.
 * On MongoDB fewer, larger inserts are cheaper as well.
 *
 * An insert that finds nothing in flight goes out at once: batching never adds a wait of
 * its own, only joins inserts that would have waited anyway.
 */
import { MongoBulkWriteError } from 'mongodb';

/** Builds a caller's documents once the time of the write is known. */
export type BuildDocuments<D> = (writtenAtMs: number) => D[];

export interface InsertOutcome {
  /** When the insertMany carrying these documents was sent. */
  writtenAtMs: number;
  /** Index (into this caller's documents) -> server error code, for those refused. */
  failed: Map<number, number>;
  /** The error of the whole call when some document failed, for a caller that rethrows it. */
  error: MongoBulkWriteError | null;
}

interface Waiting<D> {
  build: BuildDocuments<D>;
  resolve: (outcome: InsertOutcome) => void;
  reject: (error: unknown) => void;
}

export interface InsertBatcherOptions<D> {
  insertMany: (docs: D[]) => Promise<unknown>;
  nowMs: () => number;
  /** Most documents in one insertMany; callers beyond it wait for the next. */
  maxDocuments: number;
}

export class InsertBatcher<D> {
  private queue: Waiting<D>[] = [];
  private flying = false;

  constructor(private readonly options: InsertBatcherOptions<D>) {}

  insert(build: BuildDocuments<D>): Promise<InsertOutcome> {
    return new Promise<InsertOutcome>((resolve, reject) => {
      this.queue.push({ build, resolve, reject });
      if (!this.flying) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flying = true;
    while (this.queue.length > 0) {
      const writtenAtMs = this.options.nowMs();
      const batch: Array<{ waiting: Waiting<D>; docs: D[]; offset: number }> = [];
      const all: D[] = [];
      // Always take the first caller, however large, so nobody waits forever.
      while (this.queue.length > 0) {
        const waiting = this.queue[0] as Waiting<D>;
        let docs: D[];
        try {
          docs = waiting.build(writtenAtMs);
        } catch (error) {
          this.queue.shift();
          waiting.reject(error);
          continue;
        }
        if (batch.length > 0 && all.length + docs.length > this.options.maxDocuments) break;
        this.queue.shift();
        batch.push({ waiting, docs, offset: all.length });
        all.push(...docs);
      }
      await this.send(all, batch, writtenAtMs);
    }
    this.flying = false;
  }

  private async send(
    all: D[],
    batch: Array<{ waiting: Waiting<D>; docs: D[]; offset: number }>,
    writtenAtMs: number,
  ): Promise<void> {
    try {
      if (all.length > 0) await this.options.insertMany(all);
      for (const { waiting } of batch) {
        waiting.resolve({ writtenAtMs, failed: new Map(), error: null });
      }
    } catch (error) {
      const writeErrors = error instanceof MongoBulkWriteError ? [error.writeErrors].flat() : [];
      if (writeErrors.length === 0) {
        for (const { waiting } of batch) waiting.reject(error);
        return;
      }
      for (const { waiting, docs, offset } of batch) {
        const failed = new Map<number, number>();
        for (const writeError of writeErrors) {
          const index = writeError.index - offset;
          if (index >= 0 && index < docs.length) failed.set(index, writeError.code);
        }
        waiting.resolve({
          writtenAtMs, failed, error: failed.size > 0 ? error as MongoBulkWriteError : null,
        });
      }
    }
  }
}

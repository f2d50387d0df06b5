/**
 * The wire watcher: detects when each awaited profile document first becomes visible by
 * asking the Mongo server for it, one lookup by _id at a time. It works with any server
 * (MongoDB in the docker runtime); on the local runtime the storage watcher is finer and
 * cheaper (storage-watcher.ts says why).
 *
 * A document's `tVisibleMs` is when the lookup that first returned it answered: an upper
 * bound, at most one cycle late. Cycle lengths and lookup times are recorded: the watcher's
 * resolution and cost. The lookups themselves load the server being measured.
 */
import type { Collection, Document } from 'mongodb';

import type { Clock } from './clock.js';
import {
  readCdcStamps, SightingBook, type VisibilityWatcher, type WatcherStats,
} from './visibility-watcher.js';

export interface WireWatcherOptions {
  pollIntervalMs: number;
  clock: Clock;
  /** Most ids checked in one cycle (the oldest). */
  batchLimit?: number;
  /** Lookups in flight at once. */
  concurrency?: number;
  /** A cycle ends after this many lookups in a row found nothing (see pollLoop). */
  missRunLimit?: number;
  /** Every this many cycles, one checks every pending id. */
  fullPassEvery?: number;
}

export class WireWatcher extends SightingBook implements VisibilityWatcher {
  readonly kind = 'wire';
  private running = false;
  private loop: Promise<void> | null = null;
  private lastAnswerMs: number | null = null;
  lastQueryError: unknown = null;

  constructor(
    private readonly profiles: Collection<Document>,
    private readonly options: WireWatcherOptions,
  ) {
    super(options.clock);
  }

  async start(): Promise<void> {
    this.running = true;
    this.loop = this.pollLoop();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  stats(): WatcherStats {
    const timings = this.timingStats(this.kind, this.options.pollIntervalMs);
    return { ...timings, cpuMs: null, wallMs: null };
  }

  /**
   * A cycle checks pending ids oldest first, `concurrency` lookups at a time, each by `_id`
   * equality: FerretDB answers that from an index, where an `$in` over many ids scans the
   * whole collection. Documents appear in roughly commit order (in order per partition), so
   * a cycle stops after `missRunLimit` lookups in a row found nothing: younger ids are most
   * likely not there either, and checking them would only load Mongo. Every
   * `fullPassEvery`-th cycle checks every pending id, so an early arrival waits at most that
   * many cycles. A cycle starts at most every pollIntervalMs; the time between the ends of
   * two cycles is the watcher's resolution.
   */
  private async pollLoop(): Promise<void> {
    const { clock, pollIntervalMs } = this.options;
    const concurrency = this.options.concurrency ?? 4;
    const missRunLimit = this.options.missRunLimit ?? 64;
    const fullPassEvery = this.options.fullPassEvery ?? 8;
    let cycle = 0;
    while (this.running) {
      const startedMs = clock.nowMs();
      if (this.pending.size === 0) {
        this.lastAnswerMs = null;
        await clock.sleepUntil(startedMs + pollIntervalMs);
        continue;
      }

      cycle += 1;
      const fullPass = cycle % fullPassEvery === 0;
      // Sets iterate in insertion order: the oldest pending ids come first.
      const ids = [...this.pending].slice(0, this.options.batchLimit ?? 20_000);
      let next = 0;
      let missRun = 0;
      const lookups = Array.from({ length: Math.min(concurrency, ids.length) }, async () => {
        while (next < ids.length && this.running && (fullPass || missRun < missRunLimit)) {
          const found = await this.check(ids[next++] as string);
          missRun = found ? 0 : missRun + 1;
        }
      });
      await Promise.all(lookups);
      this.record(startedMs, clock.nowMs());
      await clock.sleepUntil(startedMs + pollIntervalMs);
    }
  }

  /** One lookup; true when the document is there. */
  private async check(id: string): Promise<boolean> {
    const { clock } = this.options;
    const askedMs = clock.nowMs();
    try {
      const doc = await this.profiles.findOne({ _id: id } as Document,
        { projection: { cdc: 1 } });
      const answeredMs = clock.nowMs();
      this.queries.push(answeredMs - askedMs);
      if (doc) this.saw(id, { tVisibleMs: answeredMs, cdc: readCdcStamps(doc) });
      return doc !== null;
    } catch (error) {
      // Mongo down or slow: keep trying; rows not seen by the deadline count as lost.
      this.queryErrors += 1;
      this.lastQueryError = error;
      return false;
    }
  }

  private record(startedMs: number, answeredMs: number): void {
    if (this.lastAnswerMs !== null) this.cycles.push(answeredMs - this.lastAnswerMs);
    this.lastAnswerMs = answeredMs;
  }
}

/**
 * Detects when each watched profile document first becomes visible in Mongo, by polling.
 *
 * FerretDB v1 has no change streams, so polling is the only way. Each poll asks for the
 * oldest pending ids only (bounded batch, by `_id`), so the watcher's load stays bounded
 * however far behind the pipeline falls. A document's `tVisibleMs` is when the poll that
 * first returned it answered: an upper bound, at most one poll cycle late. The cycle
 * lengths are recorded and reported as the watcher's resolution and cost.
 */
import type { Collection, Document } from 'mongodb';

import type { Clock } from './clock.js';
import { summariseMs, type MsSummary } from './histogram.js';

export interface CdcStamps {
  sourceTsMs: number | null;
  dbzTsMs: number | null;
  kafkaTsMs: number | null;
  consumedAtMs: number | null;
  writtenAtMs: number | null;
  replica: string | null;
}

export interface Sighting {
  tVisibleMs: number;
  cdc: CdcStamps;
}

export interface WatcherOptions {
  pollIntervalMs: number;
  clock: Clock;
  /** Most ids asked for in one poll. */
  batchLimit?: number;
}

export interface WatcherStats {
  polls: number;
  /** Time between consecutive poll answers while something was pending. */
  cycleMs: MsSummary;
  /** Time one poll query took. */
  queryMs: MsSummary;
  pollIntervalMs: number;
  queryErrors: number;
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function readCdcStamps(doc: Document): CdcStamps {
  const cdc = (doc.cdc ?? {}) as Record<string, unknown>;
  return {
    sourceTsMs: numberOrNull(cdc.sourceTsMs),
    dbzTsMs: numberOrNull(cdc.dbzTsMs),
    kafkaTsMs: numberOrNull(cdc.kafkaTsMs),
    consumedAtMs: numberOrNull(cdc.consumedAtMs),
    writtenAtMs: numberOrNull(cdc.writtenAtMs),
    replica: typeof cdc.replica === 'string' ? cdc.replica : null,
  };
}

export class LagWatcher {
  private readonly pending = new Set<string>();
  readonly sightings = new Map<string, Sighting>();
  private readonly cycles: number[] = [];
  private readonly queries: number[] = [];
  private running = false;
  private loop: Promise<void> | null = null;
  private lastAnswerMs: number | null = null;
  queryErrors = 0;
  lastQueryError: unknown = null;

  constructor(
    private readonly profiles: Collection<Document>,
    private readonly options: WatcherOptions,
  ) {}

  watch(userId: string): void {
    if (!this.sightings.has(userId)) this.pending.add(userId);
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  start(): void {
    this.running = true;
    this.loop = this.pollLoop();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Resolves when nothing is pending or the time is up; true when nothing is pending. */
  async drain(timeoutMs: number): Promise<boolean> {
    const { clock } = this.options;
    const deadline = clock.nowMs() + timeoutMs;
    while (this.pending.size > 0 && clock.nowMs() < deadline) {
      await clock.sleepUntil(clock.nowMs() + 20);
    }
    return this.pending.size === 0;
  }

  stats(): WatcherStats {
    return {
      polls: this.queries.length,
      cycleMs: summariseMs(this.cycles),
      queryMs: summariseMs(this.queries),
      pollIntervalMs: this.options.pollIntervalMs,
      queryErrors: this.queryErrors,
    };
  }

  private async pollLoop(): Promise<void> {
    const { clock, pollIntervalMs } = this.options;
    const batchLimit = this.options.batchLimit ?? 500;
    while (this.running) {
      const startedMs = clock.nowMs();
      if (this.pending.size === 0) {
        this.lastAnswerMs = null;
        await clock.sleepUntil(startedMs + pollIntervalMs);
        continue;
      }

      // Sets iterate in insertion order: the oldest pending ids come first.
      const ids = [...this.pending].slice(0, batchLimit);
      let docs: Document[];
      try {
        docs = await this.profiles
          .find({ _id: { $in: ids } } as Document, { projection: { cdc: 1 } })
          .toArray();
      } catch (error) {
        // Mongo down or slow: keep trying; rows not seen by the deadline count as lost.
        this.queryErrors += 1;
        this.lastQueryError = error;
        await clock.sleepUntil(startedMs + Math.max(pollIntervalMs, 100));
        continue;
      }
      const answeredMs = clock.nowMs();
      this.record(startedMs, answeredMs);

      for (const doc of docs) {
        const id = String(doc._id);
        if (!this.pending.delete(id)) continue;
        this.sightings.set(id, { tVisibleMs: answeredMs, cdc: readCdcStamps(doc) });
      }
      await clock.sleepUntil(startedMs + pollIntervalMs);
    }
  }

  private record(startedMs: number, answeredMs: number): void {
    this.queries.push(answeredMs - startedMs);
    if (this.lastAnswerMs !== null) this.cycles.push(answeredMs - this.lastAnswerMs);
    this.lastAnswerMs = answeredMs;
  }
}

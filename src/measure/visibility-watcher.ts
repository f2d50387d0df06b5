/**
 * What every replication-lag watcher offers: ids to wait for, the moment each became visible
 * with the stamps its document carries, and the watcher's own resolution and cost.
 *
 * Two watchers exist (storage-watcher.ts and wire-watcher.ts); this file holds what they
 * share: the bookkeeping of awaited ids and sightings, and the shape of their statistics.
 */
import type { Document } from 'mongodb';

import type { Clock } from './clock.js';
import { summariseMs, type MsSummary } from './histogram.js';
import type { LagSample } from './lag-sample.js';

export type WatcherKind = 'storage' | 'wire';

/** The stamps a profile document carries, as a lag sample records them. */
export type CdcStamps = Pick<LagSample,
  'sourceTsMs' | 'dbzTsMs' | 'kafkaTsMs' | 'consumedAtMs' | 'writtenAtMs' | 'replica'>;

export interface Sighting {
  tVisibleMs: number;
  cdc: CdcStamps;
}

export interface WatcherStats {
  /**
   * storage: reads FerretDB's committed rows, every awaited id in one poll;
   * wire: asks the Mongo server for each awaited id.
   * Runs recorded before the storage watcher existed have no kind: they are wire.
   */
  kind?: WatcherKind;
  /** Polls (storage) or lookups by _id (wire) made. */
  polls: number;
  /** Time between the ends of consecutive polls: how long a document can be visible before
   * the watcher sees it. */
  cycleMs: MsSummary;
  /** Time one poll or lookup took. */
  queryMs: MsSummary;
  pollIntervalMs: number;
  queryErrors: number;
  /** CPU time the watcher used, when it runs as its own process (storage); else null. */
  cpuMs?: number | null;
  /** Wall time over which cpuMs was spent. */
  wallMs?: number | null;
  /**
   * Storage watcher: commits its cheap change check missed and its periodic full check
   * found (each seen up to 10 polls late). Expected 0; anything else is worth a look.
   */
  hintMisses?: number;
}

export interface VisibilityWatcher {
  readonly kind: WatcherKind;
  readonly sightings: ReadonlyMap<string, Sighting>;
  readonly pendingCount: number;
  /** Resolves when every document committed from now on will be seen. */
  start(): Promise<void>;
  watch(userId: string): void;
  /**
   * Resolves when nothing is pending or the time is up; true when nothing is pending. After
   * the signal aborts it waits at most a short grace more (an interrupted run ends soon).
   */
  drain(timeoutMs: number, signal?: AbortSignal): Promise<boolean>;
  stop(): Promise<void>;
  stats(): WatcherStats;
  /** Why the watcher cannot go on (its process died), or null. */
  readonly failure: string | null;
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The cdc sub-document the profile service writes, field by field; anything odd is null. */
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

/** After an interrupt, how long documents in flight may still arrive before the run ends. */
const ABORT_GRACE_MS = 2000;

/**
 * Awaited ids, sightings and poll timings; a watcher calls saw() when a document shows up
 * and records each poll's duration and cycle.
 */
export abstract class SightingBook {
  protected readonly pending = new Set<string>();
  readonly sightings = new Map<string, Sighting>();
  failure: string | null = null;
  protected readonly queries: number[] = [];
  protected readonly cycles: number[] = [];
  protected queryErrors = 0;

  constructor(protected readonly clock: Clock) {}

  watch(userId: string): void {
    if (!this.sightings.has(userId)) this.pending.add(userId);
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Records a sighting of an awaited id; false when the id was not awaited. */
  protected saw(id: string, sighting: Sighting): boolean {
    if (!this.pending.delete(id)) return false;
    this.sightings.set(id, sighting);
    return true;
  }

  /** The statistics every watcher has, from the recorded timings. */
  protected timingStats(kind: WatcherKind, pollIntervalMs: number): WatcherStats {
    return {
      kind,
      polls: this.queries.length,
      cycleMs: summariseMs(this.cycles),
      queryMs: summariseMs(this.queries),
      pollIntervalMs,
      queryErrors: this.queryErrors,
    };
  }

  async drain(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    let deadline = this.clock.nowMs() + timeoutMs;
    let graceStarted = false;
    while (this.pending.size > 0 && this.failure === null && this.clock.nowMs() < deadline) {
      if (signal?.aborted && !graceStarted) {
        graceStarted = true;
        deadline = Math.min(deadline, this.clock.nowMs() + ABORT_GRACE_MS);
      }
      await this.clock.sleepUntil(this.clock.nowMs() + 20);
    }
    return this.pending.size === 0;
  }
}

/**
 * The storage watcher: sees profile documents become visible by reading what FerretDB has
 * committed, through the authlab-visibility program (stacks/local/ferretdb/visibility).
 *
 * FerretDB v1 has no change streams, and a Mongo client can only ask for each awaited id
 * (the wire watcher): a round trip of milliseconds per id, paid by the server under test.
 * FerretDB keeps a collection in one SQLite table and serves every query from it, so the
 * commit of a document's row is the moment every Mongo client can see it; the program polls
 * that table (a shared-memory counter when nothing changed, one indexed read of the new rows
 * when something did) and reports each new document with the time its read ended.
 *
 * Resolution: the time between consecutive polls, reported by the program with each poll's
 * duration; cost: the program's own CPU time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { createInterface } from 'node:readline';

import { LabError } from '../errors.js';
import type { Clock } from './clock.js';
import {
  readCdcStamps, SightingBook, type Sighting, type VisibilityWatcher, type WatcherStats,
} from './visibility-watcher.js';

export interface StorageWatcherOptions {
  /** The authlab-visibility program. */
  program: string;
  /** FerretDB's SQLite file of the lab's database. */
  databaseFile: string;
  collection: string;
  pollIntervalMs: number;
  clock: Clock;
  /** How long the program may take to find the collection before start() fails. */
  startTimeoutMs?: number;
}

/** Sightings of ids not (yet) awaited are kept this long: a writer may learn an id late. */
const EARLY_KEEP_MS = 120_000;
const STDERR_KEEP_CHARS = 2000;

interface ProbeLine {
  type?: string;
  seenMs?: number;
  docs?: Array<{ id?: unknown; cdc?: unknown }>;
  queryUs?: number[] | null;
  cycleUs?: number[] | null;
  cpuMs?: number;
  hintMisses?: number;
  message?: string;
}

/**
 * The watcher runs at a lower CPU priority than the lab: on a saturated machine it waits
 * for the pipeline, not the other way round, so a busy CPU shows up in the watcher's own
 * cycle times (reported) instead of in the lag it measures.
 */
const WATCHER_NICENESS = 10;

function lowerPriority(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    setPriority(child.pid, WATCHER_NICENESS);
  } catch {
    // Not allowed here (some containers): the watcher runs at normal priority.
  }
}

export class StorageWatcher extends SightingBook implements VisibilityWatcher {
  readonly kind = 'storage';
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private stopping = false;
  private readonly early = new Map<string, Sighting>();
  private hintMisses = 0;
  private cpuAtReadyMs: number | null = null;
  private cpuLastMs: number | null = null;
  private readyAtMs: number | null = null;
  private lastReportAtMs: number | null = null;
  private stderr = '';

  constructor(private readonly options: StorageWatcherOptions) {
    super(options.clock);
  }

  start(): Promise<void> {
    const { program, databaseFile, collection, pollIntervalMs } = this.options;
    // Its own process group: a Ctrl-C in the terminal goes to the experiment, which ends
    // the run and then this program (by closing its stdin), not to both at once.
    const child = spawn(program, [
      '--db', databaseFile,
      '--collection', collection,
      '--interval', `${pollIntervalMs}ms`,
    ], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    this.child = child;
    lowerPriority(child);

    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_KEEP_CHARS);
    });

    let onReady: () => void = () => {};
    const ready = new Promise<void>((resolve) => { onReady = resolve; });
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      if (this.handle(line) === 'ready') onReady();
    });

    this.exited = new Promise<void>((resolve) => {
      child.on('error', (error) => {
        this.failure = `cannot run ${program}: ${error.message}; run \`authlab install\``;
        resolve();
      });
      // 'close', not 'exit': it comes after stdout is read to the end (the last timings).
      child.on('close', (code, signal) => {
        if (!this.stopping && this.failure === null) {
          const why = this.stderr.trim().split('\n').pop() ?? '';
          this.failure = `the visibility watcher exited (${signal ?? `code ${code}`})` +
            (why ? `: ${why}` : '');
        }
        resolve();
      });
    });

    const timeoutMs = this.options.startTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    return Promise.race([ready, this.exited, timedOut]).then(async (outcome) => {
      clearTimeout(timer);
      if (this.readyAtMs !== null) return;
      await this.stop();
      throw new LabError(outcome === 'timeout' ? 'TIMEOUT' : 'COMPONENT_FAILED',
        outcome === 'timeout'
          ? `the visibility watcher did not find collection "${collection}" in ` +
            `${databaseFile} within ${timeoutMs} ms; is the lab's mongo running ` +
            '(`authlab status`)?'
          : this.failure ?? 'the visibility watcher exited before it was ready');
    });
  }

  override watch(userId: string): void {
    const early = this.early.get(userId);
    if (early) {
      this.early.delete(userId);
      this.sightings.set(userId, early);
      return;
    }
    super.watch(userId);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || this.stopping) return this.exited;
    this.stopping = true;
    // Closing stdin is the program's signal to write its last timings and exit.
    child.stdin?.end();
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(killer);
  }

  stats(): WatcherStats {
    const cpuMs = this.cpuLastMs !== null && this.cpuAtReadyMs !== null
      ? this.cpuLastMs - this.cpuAtReadyMs : null;
    const wallMs = this.lastReportAtMs !== null && this.readyAtMs !== null
      ? this.lastReportAtMs - this.readyAtMs : null;
    return {
      ...this.timingStats(this.kind, this.options.pollIntervalMs),
      cpuMs,
      wallMs,
      hintMisses: this.hintMisses,
    };
  }

  /** One line from the program; returns its type. */
  private handle(raw: string): string | undefined {
    let line: ProbeLine;
    try {
      line = JSON.parse(raw) as ProbeLine;
    } catch {
      this.queryErrors += 1;
      return undefined;
    }

    switch (line.type) {
      case 'ready':
        this.readyAtMs = this.clock.nowMs();
        if (typeof line.cpuMs === 'number') this.cpuAtReadyMs = line.cpuMs;
        break;
      case 'seen':
        this.seen(line);
        break;
      case 'polls':
        for (const us of line.queryUs ?? []) this.queries.push(us / 1000);
        for (const us of line.cycleUs ?? []) this.cycles.push(us / 1000);
        if (typeof line.hintMisses === 'number') this.hintMisses = line.hintMisses;
        if (typeof line.cpuMs === 'number' && line.cpuMs >= 0) {
          this.cpuLastMs = line.cpuMs;
          this.lastReportAtMs = this.clock.nowMs();
        }
        break;
      default: // 'error', or a line this version does not know
        this.queryErrors += 1;
    }
    return line.type;
  }

  private seen(line: ProbeLine): void {
    const tVisibleMs = line.seenMs;
    if (typeof tVisibleMs !== 'number') return;
    for (const doc of line.docs ?? []) {
      if (typeof doc.id !== 'string') continue;
      const sighting = { tVisibleMs, cdc: readCdcStamps({ cdc: doc.cdc ?? {} }) };
      if (!this.saw(doc.id, sighting) && !this.sightings.has(doc.id)) {
        this.early.set(doc.id, sighting);
      }
    }
    this.forgetOldEarly(tVisibleMs);
  }

  /** Maps keep insertion order: the oldest early sightings come first. */
  private forgetOldEarly(nowMs: number): void {
    for (const [id, sighting] of this.early) {
      if (nowMs - sighting.tVisibleMs < EARLY_KEEP_MS) break;
      this.early.delete(id);
    }
  }
}

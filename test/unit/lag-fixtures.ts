/** Deterministic lag samples for the unit tests of measurement and reporting. */
import { buildLagSample, type LagSample } from '../../src/measure/lag-sample.js';

/** A small linear congruential generator: the same seed gives the same samples. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export interface FixtureOptions {
  count: number;
  rateHz?: number;
  seed?: number;
  /** Every n-th row is lost (never seen). 0 for none. */
  lostEvery?: number;
}

export function makeSamples(options: FixtureOptions): LagSample[] {
  const { count, rateHz = 100, seed = 7, lostEvery = 0 } = options;
  const random = seededRandom(seed);
  const startMs = 1_750_000_000_000.25;
  const samples: LagSample[] = [];

  for (let seq = 0; seq < count; seq += 1) {
    const tScheduledMs = startMs + (seq * 1000) / rateHz;
    const tCommitMs = tScheduledMs + 1 + random() * 3;
    const sourceTsMs = Math.floor(tCommitMs - random() * 2);
    // Whole-ms clocks (Postgres, JVM) next to sub-ms ones, as in a real run.
    const dbzTsMs = Math.round(tCommitMs + random() * 40 - 1);
    const kafkaTsMs = dbzTsMs + Math.round(random() * 5);
    const consumedAtMs = kafkaTsMs + 0.5 + random() * 20;
    const writtenAtMs = consumedAtMs + 0.3 + random() * 4;
    const lost = lostEvery > 0 && seq % lostEvery === lostEvery - 1;
    const tVisibleMs = lost ? null : writtenAtMs + random() * 10;

    samples.push(buildLagSample({
      rateHz,
      seq,
      userId: `user-${seq}`,
      tScheduledMs,
      tCommitMs,
      tVisibleMs,
      sourceTsMs,
      dbzTsMs: lost ? null : dbzTsMs,
      kafkaTsMs: lost ? null : kafkaTsMs,
      consumedAtMs: lost ? null : consumedAtMs,
      writtenAtMs: lost ? null : writtenAtMs,
      replica: lost ? null : `profile-${seq % 2}`,
    }));
  }
  return samples;
}

/**
 * How one chunk of a partition is written: in rounds holding at most one change per user
 * (round k has each user's k-th change in the chunk), one round after the other. Per-user
 * order is kept while independent users go to Mongo together. Pure.
 */

export interface RoundPlan<T> {
  rounds: T[][];
  /** Per record of the chunk: the round that writes it, or -1 when nothing is written. */
  roundOf: number[];
}

/** `entries` is aligned with the chunk's records; null marks one with nothing to write. */
export function planRounds<T extends { change: { userId: string } }>(
  entries: ReadonlyArray<T | null>,
): RoundPlan<T> {
  const rounds: T[][] = [];
  const roundOf: number[] = [];
  const seen = new Map<string, number>();

  for (const entry of entries) {
    if (entry === null) {
      roundOf.push(-1);
      continue;
    }
    const round = seen.get(entry.change.userId) ?? 0;
    seen.set(entry.change.userId, round + 1);
    (rounds[round] ??= []).push(entry);
    roundOf.push(round);
  }
  return { rounds, roundOf };
}

/**
 * How many leading records of the chunk are done once `roundsDone` rounds are written: the
 * offset of the last of them may be committed, nothing after it may.
 */
export function donePrefix(roundOf: readonly number[], roundsDone: number): number {
  let done = 0;
  while (done < roundOf.length && (roundOf[done] as number) < roundsDone) done++;
  return done;
}

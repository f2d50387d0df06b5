/**
 * One look for every terminal table: a frame and a header rule, no rule between rows, so a
 * table of twenty replicas still fits a screen and pastes cleanly into an issue.
 */
export const COMPACT_TABLE = Object.freeze({
  chars: { 'mid': '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  style: { head: [] as string[], border: [] as string[] },
});

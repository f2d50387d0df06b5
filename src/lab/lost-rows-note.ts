/**
 * When rows were never seen, what the lab looked like at the end of the run: a replica of
 * the pipeline that is down explains lost rows better than any stage table, and the storage
 * watcher, which reads FerretDB's files, cannot tell that FerretDB itself died.
 */
import type { LabRuntime } from '../runtime/runtime.js';

/** The services a row passes through on its way to Mongo. */
const PIPELINE = new Set(['postgres', 'kafka', 'connect', 'mongo', 'profile']);

export async function lostRowsNotes(runtime: LabRuntime, lost: number): Promise<string[]> {
  if (lost === 0) return [];
  const rows = await runtime.status().catch(() => null);
  if (rows === null) {
    return [`${lost} rows were never seen; the lab's state could not be read to say why.`];
  }

  const down = rows.filter((row) => PIPELINE.has(row.service) && row.state !== 'ready')
    .map((row) => `${row.id} ${row.state}`);
  if (down.length > 0) {
    return [`${lost} rows were never seen; at the end of the run ${down.join(', ')} ` +
      '(see `authlab status`).'];
  }
  return [`${lost} rows were never seen although every replica of the pipeline was ready at ` +
    'the end of the run; a longer --timeout lets late rows arrive.'];
}

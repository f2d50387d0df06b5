/** `authlab logs REPLICA [-n LINES]`: the tail of one replica's log. */
import type { LabConfig } from '../config/lab-config.js';
import { runtimeFor } from '../lab/running-lab.js';

export async function logsCommand(config: LabConfig, replica: string, lines: number) {
  process.stdout.write(`${await runtimeFor(config).logs(replica, lines)}\n`);
  return 0;
}

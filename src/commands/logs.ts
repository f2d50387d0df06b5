/** `authlab logs REPLICA [-n LINES]`: the tail of one replica's log. */
import type { LabConfig } from '../config/lab-config.js';
import { badInput } from '../errors.js';
import { openRunningLab } from '../lab/running-lab.js';
import { tailOfFile } from '../runtime/local/process-supervisor.js';

export async function logsCommand(config: LabConfig, replica: string, lines: number) {
  const lab = openRunningLab(config);
  const record = lab.state.replicas[replica];
  if (!record) {
    throw badInput(`no replica named "${replica}"; running: ${Object.keys(lab.state.replicas).join(', ')}`);
  }
  process.stdout.write(`${tailOfFile(record.logFile, lines)}\n`);
  return 0;
}

/** `authlab status [--json]`: one row per replica: state, port, pid, CPU and memory. */
import Table from 'cli-table3';

import { COMPACT_TABLE } from '../cli/table-style.js';

import type { LabConfig } from '../config/lab-config.js';
import { runtimeFor } from '../lab/running-lab.js';
import type { ReplicaStatus } from '../runtime/replica-status.js';

function cell(value: number | null, unit = ''): string {
  return value === null ? '-' : `${value}${unit}`;
}

export function statusTable(rows: ReplicaStatus[]): string {
  const table = new Table({
    ...COMPACT_TABLE,
    head: ['replica', 'service', 'state', 'port', 'pid', 'cpu', 'memory', 'consumer lag'],
  });
  for (const row of rows) {
    table.push([row.id, row.service, row.state, row.port, row.pid, cell(row.cpuPercent, '%'),
      cell(row.rssMiB, ' MiB'), row.service === 'profile' ? cell(row.consumerLag) : '']);
  }
  return table.toString();
}

export async function printStatus(config: LabConfig, options: { json: boolean }) {
  const runtime = runtimeFor(config);
  const rows = await runtime.status();
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ runtime: runtime.name, replicas: rows }, null, 2)}\n`);
  } else {
    process.stdout.write(`${statusTable(rows)}\n`);
  }
  return rows;
}

export async function statusCommand(config: LabConfig, options: { json: boolean }) {
  const rows = await printStatus(config, options);
  // Scripts can tell a degraded lab from a healthy one by the exit status.
  return rows.every((row) => row.state === 'ready') ? 0 : 1;
}

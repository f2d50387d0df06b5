/** `authlab down [--purge]`: stop every process the lab started; --purge also deletes data. */
import type { LabConfig } from '../config/lab-config.js';
import { LabError } from '../errors.js';
import { runtimeFor } from '../lab/running-lab.js';
import { withLabLock } from '../runtime/lab-lock.js';
import { LabEvents } from '../runtime/lifecycle-events.js';
import { showProgress } from '../cli/progress.js';

export async function downCommand(config: LabConfig, options: { purge: boolean }) {
  const events = new LabEvents();
  const stopShowing = showProgress(events);
  let result;
  try {
    result = await withLabLock(config.labDir, 'down',
      () => runtimeFor(config, events).down({ purge: options.purge }));
  } finally {
    stopShowing();
  }

  if (result.busyPorts.length > 0) {
    throw new LabError('COMPONENT_FAILED', `stopped ${result.stopped} processes but ports ` +
      `${result.busyPorts.join(', ')} are still in use; find the owner with \`ss -ltnp\``);
  }
  const purged = options.purge ? '; lab data removed' : '; data kept (use --purge to remove it)';
  process.stdout.write(result.stopped === 0 && !options.purge
    ? 'no lab processes were running\n'
    : `stopped ${result.stopped} processes${purged}\n`);
  return 0;
}

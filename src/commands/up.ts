/** `authlab up`: boot the stack (or check that it runs) and record the lab. */
import type { LabConfig } from '../config/lab-config.js';
import { runtimeFor } from '../lab/running-lab.js';
import { withLabLock } from '../runtime/lab-lock.js';
import { LabEvents } from '../runtime/lifecycle-events.js';
import type { ServiceName } from '../runtime/lab-state.js';
import { showProgress } from '../cli/progress.js';
import { printStatus } from './status.js';

export async function upCommand(config: LabConfig, options: { only?: ServiceName[] }) {
  const events = new LabEvents();
  const stopShowing = showProgress(events);
  const interrupt = new AbortController();
  const onSignal = () => interrupt.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const startedMs = Date.now();
  try {
    await withLabLock(config.labDir, 'up', () =>
      runtimeFor(config, events).up({ only: options.only, signal: interrupt.signal }));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    stopShowing();
  }

  process.stderr.write(`lab is up in ${((Date.now() - startedMs) / 1000).toFixed(1)} s ` +
    `(lab folder ${config.labDir})\n`);
  await printStatus(config, { json: false });
  return 0;
}

/** `authlab scale auth=N profile=M`: reshape a running lab. */
import type { LabConfig } from '../config/lab-config.js';
import { LIMITS } from '../config/defaults.js';
import { badInput } from '../errors.js';
import { runtimeFor } from '../lab/running-lab.js';
import { withLabLock } from '../runtime/lab-lock.js';
import { LabEvents } from '../runtime/lifecycle-events.js';
import { parseInteger } from '../parse/numbers.js';
import { showProgress } from '../cli/progress.js';
import { printStatus } from './status.js';

type Scalable = 'auth' | 'profile';
const MAXIMA: Record<Scalable, number> = {
  auth: LIMITS.maxAuthReplicas,
  profile: LIMITS.maxProfileReplicas,
};

/** Parses every assignment before anything changes, so one bad pair changes nothing. */
export function parseAssignments(assignments: string[]): Map<Scalable, number> {
  const wanted = new Map<Scalable, number>();
  for (const assignment of assignments) {
    const match = /^([^=]*)=(.*)$/.exec(assignment);
    if (!match) throw badInput(`"${assignment}" is not service=count (e.g. auth=4)`);
    const [, name, value] = match as unknown as [string, string, string];
    if (name !== 'auth' && name !== 'profile') {
      throw badInput(`cannot scale "${name}"; scalable services: auth, profile`);
    }
    if (wanted.has(name)) throw badInput(`${name} is given twice`);
    wanted.set(name, parseInteger(value, { name: `${name} replicas`, min: 1, max: MAXIMA[name] }));
  }
  return wanted;
}

export async function scaleCommand(config: LabConfig, assignments: string[]) {
  const wanted = parseAssignments(assignments);
  const runtime = runtimeFor(config, new LabEvents());
  runtime.requireState();

  const events = new LabEvents();
  const stopShowing = showProgress(events);
  try {
    const scaling = runtimeFor(config, events);
    await withLabLock(config.labDir, 'scale', async () => {
      for (const [service, count] of wanted) await scaling.scale(service, count);
    });
  } finally {
    stopShowing();
  }
  await printStatus(config, { json: false });
  return 0;
}

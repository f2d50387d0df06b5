/** `authlab replica ACTION ID`: stop, kill, pause, resume or start one replica. */
import type { LabConfig } from '../config/lab-config.js';
import { runtimeFor } from '../lab/running-lab.js';
import { withLabLock } from '../runtime/lab-lock.js';
import type { ReplicaAction } from '../runtime/runtime.js';

export const REPLICA_ACTIONS: ReplicaAction[] = ['stop', 'kill', 'pause', 'resume', 'start'];

const DONE: Record<ReplicaAction, string> = {
  stop: 'stopped', kill: 'killed', pause: 'paused', resume: 'resumed', start: 'started',
};

export async function replicaCommand(config: LabConfig, action: ReplicaAction, id: string) {
  await withLabLock(config.labDir, `replica ${action}`, () => runtimeFor(config).act(id, action));
  process.stdout.write(`${id} ${DONE[action]}\n`);
  return 0;
}

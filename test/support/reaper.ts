/**
 * Child processes started by test fixtures, killed if the test process ends without
 * stopping them: on a normal exit, or on SIGINT/SIGTERM/SIGHUP (Ctrl-C, a runner timeout,
 * a closed terminal), so no Postgres, Redis or replica outlives its test.
 */
import type { ChildProcess } from 'node:child_process';

const running = new Set<ChildProcess>();

function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
}

process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(1);
  });
}

/** Registers `child` until it exits. */
export function track<Child extends ChildProcess>(child: Child): Child {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/**
 * Shows lifecycle events on stderr: an ora spinner on a terminal, plain timestamped lines
 * otherwise (CI logs, pipes). Results go to stdout; progress never does.
 */
import ora from 'ora';

import type { LabEvents, LifecycleEvent } from '../runtime/lifecycle-events.js';

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function describe(event: LifecycleEvent): string {
  switch (event.type) {
    case 'starting': return `starting ${event.replica}`;
    case 'ready':
      return event.detail ? `${event.replica} ${event.detail}` :
        `${event.replica} ready in ${seconds(event.elapsedMs)}`;
    case 'failed': return `${event.replica} failed: ${event.reason}`;
    case 'stopping': return `stopping ${event.replica}`;
    case 'stopped': return `${event.replica} stopped in ${seconds(event.elapsedMs)}`;
    case 'step': return event.message;
  }
}

export function showProgress(events: LabEvents, stream = process.stderr): () => void {
  if (!stream.isTTY) {
    return events.subscribe((event) => {
      if (event.type === 'stopping') return;
      stream.write(`[authlab ${new Date().toISOString().slice(11, 19)}] ${describe(event)}\n`);
    });
  }

  // One spinner for everything in flight: ora draws one line at a time, and replicas start
  // in parallel.
  const pending = new Set<string>();
  const spinner = ora({ stream });
  const refresh = () => {
    if (pending.size === 0) return;
    spinner.text = `waiting for ${[...pending].join(', ')}`;
    if (!spinner.isSpinning) spinner.start();
  };
  const persist = (symbol: string, text: string) => {
    spinner.stopAndPersist({ symbol, text });
    refresh();
  };

  return events.subscribe((event) => {
    switch (event.type) {
      case 'starting':
      case 'stopping':
        pending.add(event.replica);
        refresh();
        return;
      case 'step':
        persist('ℹ', describe(event));
        return;
      case 'failed':
        pending.delete(event.replica);
        persist('✖', describe(event));
        return;
      default:
        pending.delete(event.replica);
        persist('✔', describe(event));
    }
  });
}

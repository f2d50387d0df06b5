/**
 * Lifecycle events of a lab's replicas. Orchestration code emits them; the CLI's spinner,
 * plain progress lines and anything else subscribe, so the core never imports a spinner.
 */
import { EventEmitter } from 'node:events';

export type LifecycleEvent =
  | { type: 'starting'; replica: string; detail?: string }
  | { type: 'ready'; replica: string; elapsedMs: number; detail?: string }
  | { type: 'failed'; replica: string; reason: string }
  | { type: 'stopping'; replica: string }
  | { type: 'stopped'; replica: string; elapsedMs: number }
  | { type: 'step'; message: string };

export class LabEvents {
  private readonly emitter = new EventEmitter();

  emit(event: LifecycleEvent): void {
    this.emitter.emit('event', event);
  }

  subscribe(listener: (event: LifecycleEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}

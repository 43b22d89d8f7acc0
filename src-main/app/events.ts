/**
 * The job-event stream both hosts subscribe to (the Electron IPC adapter and
 * the WebSocket bridge). Listeners are called synchronously, in emit order; a
 * listener that throws is reported and does not stop the others or the job.
 */
import type { JobEvent } from '../../src-shared/contract';

export type JobEventListener = (event: JobEvent) => void;

export class JobEventBus {
  private readonly listeners = new Set<JobEventListener>();

  constructor(private readonly onListenerError?: (err: unknown) => void) {}

  /** Subscribes; returns the unsubscribe function. */
  subscribe(listener: JobEventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(event: JobEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.onListenerError?.(err);
      }
    }
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}

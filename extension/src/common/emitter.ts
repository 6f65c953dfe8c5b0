/**
 * A minimal event emitter with the same `Event<T>` shape as `vscode.Event<T>`, for the code that must stay free of
 * `vscode` (the model is benchmarked in plain Node).
 */
import type { IDisposable } from './lifecycle.js';

export type Listener<T> = (value: T) => void;
export type Event<T> = (listener: Listener<T>) => IDisposable;

export class Emitter<T> implements IDisposable {
  private listeners = new Set<Listener<T>>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  };

  fire(value: T): void {
    // Most emitters fire far more often than anyone listens (an event per stream frame): nothing to copy then.
    if (this.listeners.size === 0) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        // A faulty listener must not stop the others or the caller (the stream loop).
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}

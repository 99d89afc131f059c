// The few event/disposable shapes the core needs (VS Code-like, without importing vscode).

interface Disposable {
  dispose(): void;
}

export type Listener<T> = (event: T) => void;

/** Subscribe with `event(listener)`; dispose the result to unsubscribe. */
export type Event<T> = (listener: Listener<T>) => Disposable;

export class Emitter<T> {
  private listeners = new Set<Listener<T>>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(value);
      } catch {
        // A failing listener must not break the broker or the other listeners.
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}

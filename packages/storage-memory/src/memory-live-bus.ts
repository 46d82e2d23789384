import type { LiveEvent } from '@switchboard/core';

/**
 * The live-event bus of one memory store. Events are delivered on a later microtask and as a
 * JSON copy, like a database notification: a subscriber never shares objects with the publisher
 * and a non-serializable event fails at publish time, as it would with Postgres.
 */
export class MemoryLiveBus {
  readonly #listeners = new Set<(event: LiveEvent) => void>();

  publish(event: LiveEvent): void {
    const json = JSON.stringify(event);
    for (const listener of [...this.#listeners]) {
      queueMicrotask(() => {
        if (this.#listeners.has(listener)) listener(JSON.parse(json) as LiveEvent);
      });
    }
  }

  subscribe(listener: (event: LiveEvent) => void): () => Promise<void> {
    // A wrapper per subscription: the same function subscribed twice receives each event twice.
    const entry = (event: LiveEvent): void => listener(event);
    this.#listeners.add(entry);
    return async () => {
      this.#listeners.delete(entry);
    };
  }
}

import type { Notification } from '../domain/notification.js';
import type { LiveFeed } from '../domain/ports.js';

export type LiveListener = (notification: Notification) => void;

/**
 * In-memory, per-user fan-out of notifications this process has just stored, for SSE clients.
 *
 * Limitation: it only carries what *this replica* stored. FerretDB has no change streams, so a
 * replica cannot watch the collection for other replicas' inserts; with several replicas, a client
 * streaming from replica A does not see notifications that replica B's consumer stored (the broker,
 * not the user, decides which replica handles an event, so sticky sessions do not help). Clients
 * therefore treat the stream as a hint and re-read `GET /notifications` on (re)connect. A later
 * step could fan out through the broker (a per-replica exclusive queue) or, on a real MongoDB,
 * swap this hub for a change-stream feed behind the same `LiveFeed` port.
 */
export class LiveHub implements LiveFeed {
  readonly #listeners = new Map<string, Set<LiveListener>>();
  readonly #onError: (error: unknown) => void;

  constructor(options: { readonly onListenerError?: (error: unknown) => void } = {}) {
    this.#onError = options.onListenerError ?? (() => undefined);
  }

  /** Calls `listener` for each new notification of `userId`; returns the unsubscribe function. */
  subscribe(userId: string, listener: LiveListener): () => void {
    let set = this.#listeners.get(userId);
    if (!set) {
      set = new Set();
      this.#listeners.set(userId, set);
    }
    // Wrapped so the same function subscribed twice is two subscriptions.
    const entry: LiveListener = (notification) => listener(notification);
    set.add(entry);
    return () => {
      const current = this.#listeners.get(userId);
      if (!current?.delete(entry)) return;
      if (current.size === 0) this.#listeners.delete(userId);
    };
  }

  publish(notification: Notification): void {
    for (const listener of this.#listeners.get(notification.userId) ?? []) {
      // One broken stream must not keep the others (or the handler that stored it) from going on.
      try {
        listener(notification);
      } catch (error) {
        this.#onError(error);
      }
    }
  }

  /** Open subscriptions of one user (or of everyone): bounds streams per user, and shows leaks. */
  listeners(userId?: string): number {
    if (userId !== undefined) return this.#listeners.get(userId)?.size ?? 0;
    let total = 0;
    for (const set of this.#listeners.values()) total += set.size;
    return total;
  }
}

import type { NotificationCreated } from '@herald/contracts';

/** One open stream, as the hub drives it (a LiveCursor). */
export interface LiveListener {
  offer(live: NotificationCreated): void;
  catchUp(): void;
}

/**
 * This replica's open streams by user. Every replica receives every `notification.created` on its
 * own live queue (whichever replica stored it) and passes it here, to the streams of its user.
 */
export class LiveHub {
  readonly #listeners = new Map<string, Set<LiveListener>>();
  readonly #onError: (error: unknown) => void;

  constructor(options: { readonly onListenerError?: (error: unknown) => void } = {}) {
    this.#onError = options.onListenerError ?? (() => undefined);
  }

  /** Adds a stream of `userId`; returns the unsubscribe function. */
  subscribe(userId: string, listener: LiveListener): () => void {
    let set = this.#listeners.get(userId);
    if (!set) {
      set = new Set();
      this.#listeners.set(userId, set);
    }
    // Wrapped so the same listener subscribed twice is two subscriptions.
    const entry: LiveListener = {
      offer: (n) => listener.offer(n),
      catchUp: () => listener.catchUp(),
    };
    set.add(entry);
    return () => {
      const current = this.#listeners.get(userId);
      if (!current?.delete(entry)) return;
      if (current.size === 0) this.#listeners.delete(userId);
    };
  }

  dispatch(live: NotificationCreated): void {
    this.#each(this.#listeners.get(live.userId) ?? [], (listener) => listener.offer(live));
  }

  /** The live queue was (re)subscribed: every stream reads from the store what it may have missed. */
  catchUpAll(): void {
    for (const set of this.#listeners.values()) this.#each(set, (listener) => listener.catchUp());
  }

  /** Open subscriptions of one user (or of everyone): bounds streams per user, and shows leaks. */
  listeners(userId?: string): number {
    if (userId !== undefined) return this.#listeners.get(userId)?.size ?? 0;
    let total = 0;
    for (const set of this.#listeners.values()) total += set.size;
    return total;
  }

  #each(listeners: Iterable<LiveListener>, call: (listener: LiveListener) => void): void {
    for (const listener of listeners) {
      // One broken stream must not keep the others from going on.
      try {
        call(listener);
      } catch (error) {
        this.#onError(error);
      }
    }
  }
}

import { errorMessage } from '@herald/bus';
import type { Logger } from '@herald/runtime';
import type { PresenceCollection } from './presence-collection.js';

export interface PresenceBeaconOptions {
  readonly replicaId: string;
  readonly store: Pick<PresenceCollection, 'write' | 'remove'>;
  /** How often the replica rewrites its document, changed or not. */
  readonly heartbeatMs: number;
  /** A change is written this soon after it, together with any others made meanwhile. */
  readonly debounceMs?: number;
  readonly now: () => Date;
  readonly logger: Logger;
}

/**
 * This replica's open streams, kept in memory and written as one document: once per heartbeat and
 * soon after a change, never once per stream. A replica that dies stops writing; readers stop
 * counting it once its last heartbeat is older than the expiry, and pruning deletes its document.
 */
export class PresenceBeacon {
  readonly #options: PresenceBeaconOptions;
  /** Open streams per user, and since when the user has had one open. */
  readonly #users = new Map<string, { streams: number; since: Date }>();
  #heartbeat: NodeJS.Timeout | undefined;
  #debounce: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;
  #dirty = false;
  #stopped = false;

  constructor(options: PresenceBeaconOptions) {
    this.#options = options;
  }

  /** A stream of `userId` opened; returns the function to call when it closes. */
  enter(userId: string): () => void {
    const present = this.#users.get(userId);
    if (present) present.streams++;
    else {
      this.#users.set(userId, { streams: 1, since: this.#options.now() });
      this.#changed();
    }
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const user = this.#users.get(userId);
      if (user && --user.streams === 0) {
        this.#users.delete(userId);
        this.#changed();
      }
    };
  }

  start(): void {
    this.#heartbeat = setInterval(() => this.#flush(), this.#options.heartbeatMs);
    this.#flush();
  }

  /** Stops writing and deletes this replica's document, so its streams stop counting at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#heartbeat);
    clearTimeout(this.#debounce);
    await this.#writing;
    await this.#options.store.remove(this.#options.replicaId);
  }

  #changed(): void {
    if (this.#debounce || this.#stopped) return;
    this.#debounce = setTimeout(() => {
      this.#debounce = undefined;
      this.#flush();
    }, this.#options.debounceMs ?? 250);
  }

  /** Writes the current state; a change during a write is written right after it. */
  #flush(): void {
    if (this.#stopped) return;
    if (this.#writing) {
      this.#dirty = true;
      return;
    }
    const { replicaId, store, now, logger } = this.#options;
    const users = new Map([...this.#users].map(([userId, { since }]) => [userId, since]));
    this.#writing = store
      .write(replicaId, users, now())
      .catch((error: unknown) =>
        logger.warn({ err: errorMessage(error) }, 'presence heartbeat failed'),
      )
      .finally(() => {
        this.#writing = undefined;
        if (this.#dirty) {
          this.#dirty = false;
          this.#flush();
        }
      });
  }
}

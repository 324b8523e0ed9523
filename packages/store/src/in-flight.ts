import type { PendingEvent } from './outbox-fields.js';

/**
 * The events one of the relay's two paths (kicks, poll) is publishing right now: the other path
 * leaves them alone, so an event is never published by both at once in one process.
 */
export class InFlight {
  readonly #ids = new Set<string>();

  /**
   * Takes the events no path holds yet: `mine` to publish now (held until `release`), and the ids
   * of those the other path holds (`elsewhere`), whose publish may still fail.
   */
  take(events: readonly PendingEvent[]): { mine: PendingEvent[]; elsewhere: Set<string> } {
    const elsewhere = new Set<string>();
    const mine: PendingEvent[] = [];
    for (const event of events) {
      if (this.#ids.has(event.id)) elsewhere.add(event.id);
      else {
        this.#ids.add(event.id);
        mine.push(event);
      }
    }
    return { mine, elsewhere };
  }

  /** The publish of `id` is over (recorded or failed): either path may meet it again. */
  release(id: string): void {
    this.#ids.delete(id);
  }
}

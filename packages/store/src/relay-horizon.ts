import type { PendingEvent } from './outbox-fields.js';

/**
 * How old an event the relay may still publish. The record of relayed events keeps a mark for
 * `keepRelayedMs`; a document keeps its last events long after they went out, and one whose mark
 * is gone would go out again, so nothing older than half of that is published. Events between
 * the two ages still have their marks: one never relayed is found and reported, not published.
 */
export class RelayHorizon {
  readonly keepRelayedMs: number;
  readonly #now: () => number;

  constructor(keepRelayedMs: number, now: () => number = Date.now) {
    this.keepRelayedMs = keepRelayedMs;
    this.#now = now;
  }

  /** Events stamped before this are never published. */
  horizon(): number {
    return this.#now() - this.keepRelayedMs / 2;
  }

  /** Whether `event` is young enough to publish (a time that does not parse counts as young). */
  current(event: PendingEvent): boolean {
    return !(Date.parse(event.time) < this.horizon());
  }

  /**
   * `current`: the events to relay; `stale`: those past the horizon whose marks are still kept, to
   * check (and report if never relayed). Older ones are in neither: their marks may be gone.
   */
  split(events: readonly PendingEvent[]): { current: PendingEvent[]; stale: PendingEvent[] } {
    const horizon = this.horizon();
    const marksFrom = this.#now() - this.keepRelayedMs;
    const current: PendingEvent[] = [];
    const stale: PendingEvent[] = [];
    for (const event of events) {
      const time = Date.parse(event.time);
      if (!(time < horizon)) current.push(event);
      else if (time >= marksFrom) stale.push(event);
    }
    return { current, stale };
  }

  /** The pruning cut-off for `before`: never a mark younger than `keepRelayedMs`. */
  pruneBefore(before: Date): Date {
    return new Date(Math.min(before.getTime(), this.#now() - this.keepRelayedMs));
  }
}

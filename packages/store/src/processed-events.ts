import type { Collection, Db } from 'mongodb';
import { isDuplicateKey } from './mongo.js';

interface ProcessedEvent {
  /** `${consumer}:${eventId}`: the _id index is the unique index that makes the record exact. */
  _id: string;
  consumer: string;
  eventId: string;
  processedAt: Date;
}

/**
 * The processed-events record: a handler wrapped in `once` runs its side effect at most once per
 * (consumer, event id) as far as completed runs go. A crash after the side effect and before the
 * record re-runs it, so side effects keyed by event id must themselves be idempotent too.
 */
export class ProcessedEvents {
  readonly #collection: Collection<ProcessedEvent>;

  constructor(db: Db) {
    this.#collection = db.collection<ProcessedEvent>('processed_events');
  }

  async has(consumer: string, eventId: string): Promise<boolean> {
    return (
      (await this.#collection.countDocuments({ _id: `${consumer}:${eventId}` }, { limit: 1 })) > 0
    );
  }

  /** Runs `effect` unless this consumer already completed this event; returns whether it ran. */
  async once(consumer: string, eventId: string, effect: () => Promise<void>): Promise<boolean> {
    if (await this.has(consumer, eventId)) return false;
    await effect();
    try {
      await this.#collection.insertOne({
        _id: `${consumer}:${eventId}`,
        consumer,
        eventId,
        processedAt: new Date(),
      });
    } catch (error) {
      // A concurrent redelivery finished first; both effects were idempotent, so this is fine.
      if (!isDuplicateKey(error)) throw error;
    }
    return true;
  }
}

/** Wraps a handler so each event id runs it once for `consumer` (redeliveries become no-ops). */
export function idempotent<E extends { readonly id: string }, C>(
  processed: ProcessedEvents,
  consumer: string,
  handler: (event: E, context: C) => Promise<void>,
): (event: E, context: C) => Promise<void> {
  return async (event, context) => {
    await processed.once(consumer, event.id, () => handler(event, context));
  };
}

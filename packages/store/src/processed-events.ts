import type { Handler } from '@herald/bus';
import type { Event, EventType } from '@herald/contracts';
import type { Collection, Db } from 'mongodb';
import { BatchedInserts } from './batched-inserts.js';

interface ProcessedEvent {
  /** `${consumer}:${eventId}`: the _id index is the unique index that makes the record exact. */
  _id: string;
  consumer: string;
  eventId: string;
  processedAt: Date;
}

/**
 * A run that started, under the same key as its record. A claim without a record is a run that
 * may not have finished.
 */
interface Claim {
  _id: string;
  claimedAt: Date;
}

/**
 * The processed-events record: a handler wrapped in `once` runs its side effect at most once per
 * (consumer, event id) as far as completed runs go. A crash after the side effect and before the
 * record re-runs it, so side effects keyed by event id must themselves be idempotent too.
 *
 * Every run first claims the key with an insert, and only a key already claimed is looked up: on
 * a MongoDB-wire store an insert is cheap while a lookup can cost a scan (FerretDB on SQLite), and
 * claims and records from many concurrent handlers share batched inserts. A claim never means
 * "done" by itself: a run that threw or crashed leaves a claim without a record, and the retry or
 * redelivery finds no record and runs the effect again.
 */
export class ProcessedEvents {
  readonly #collection: Collection<ProcessedEvent>;
  readonly #records: BatchedInserts<ProcessedEvent>;
  readonly #claimsCollection: Collection<Claim>;
  readonly #claims: BatchedInserts<Claim>;

  constructor(db: Db) {
    this.#collection = db.collection<ProcessedEvent>('processed_events');
    this.#records = new BatchedInserts(this.#collection);
    this.#claimsCollection = db.collection<Claim>('processed_event_claims');
    this.#claims = new BatchedInserts(this.#claimsCollection);
  }

  /**
   * Forgets the records and claims made before `before` (`processedEventsKeptMs` ago when run by
   * `startPruning`): without it both grow by one document per event for as long as the service runs.
   */
  async prune(before: Date): Promise<number> {
    const records = await this.#collection.deleteMany({ processedAt: { $lt: before } });
    const claims = await this.#claimsCollection.deleteMany({ claimedAt: { $lt: before } });
    return records.deletedCount + claims.deletedCount;
  }

  async has(consumer: string, eventId: string): Promise<boolean> {
    return (
      (await this.#collection.countDocuments({ _id: `${consumer}:${eventId}` }, { limit: 1 })) > 0
    );
  }

  /** Runs `effect` unless this consumer already completed this event; returns whether it ran. */
  async once(consumer: string, eventId: string, effect: () => Promise<void>): Promise<boolean> {
    const _id = `${consumer}:${eventId}`;
    const first = await this.#claims.insert({ _id, claimedAt: new Date() });
    if (!first && (await this.has(consumer, eventId))) return false;
    await effect();
    // false = a concurrent redelivery recorded it first; both effects were idempotent, so fine.
    await this.#records.insert({ _id, consumer, eventId, processedAt: new Date() });
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

/**
 * Subscribes a handler table on a consumer, each handler wrapped by `idempotent`: the one place
 * every service wires "this event type -> this handler, at most once per event id".
 */
export function subscribeOnce<T extends EventType, P>(
  consumer: { on<K extends T>(type: K, handler: Handler<K>): unknown },
  options: {
    readonly handlers: { readonly [K in T]: (event: Event<K>, ports: P) => Promise<void> };
    readonly types: readonly T[];
    readonly ports: P;
    readonly processed: ProcessedEvents;
    /** Names the consumer in the processed-events record. */
    readonly consumer: string;
  },
): void {
  const { handlers, ports, processed } = options;
  const register = <K extends T>(type: K) => {
    const handle: (event: Event<K>, ports: P) => Promise<void> = handlers[type];
    consumer.on(
      type,
      idempotent(processed, options.consumer, (event: Event<K>) => handle(event, ports)),
    );
  };
  for (const type of options.types) register(type);
}

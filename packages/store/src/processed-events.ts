import type { Handler, Logger } from '@herald/bus';
import type { Event, EventType } from '@herald/contracts';
import type { Collection, Db } from 'mongodb';
import { BatchedInserts } from './batched-inserts.js';
import { Claims } from './claims.js';

interface ProcessedEvent {
  /** `${consumer}:${eventId}`: the _id index is the unique index that makes the record exact. */
  _id: string;
  consumer: string;
  eventId: string;
  processedAt: Date;
}

export interface ProcessedEventsOptions {
  /**
   * How long a claim holds without renewal (15 s): how long a run that died blocks its event.
   * Renewed every third of it while the effect runs, so a slow effect keeps its claim through two
   * missed renewals or a few seconds of clock skew between replicas.
   */
  readonly leaseMs?: number;
}

/**
 * The processed-events record: a handler wrapped in `once` runs its side effect once per
 * (consumer, event id), across replicas and concurrent deliveries.
 *
 * Every run first claims the key with an insert (batched with the claims of other messages in
 * flight) and holds it under a lease renewed while the effect runs; the record follows the effect.
 * Only a key already claimed is looked up: on a MongoDB-wire store an insert is cheap while a
 * lookup can cost a scan (FerretDB on SQLite). A delivery that finds the key recorded is a no-op;
 * one that finds a live claim throws Deferred and comes back; one that finds the claim of a run
 * that failed or died (lease released or run out) takes it over and runs the effect. A crash after
 * the effect and before the record re-runs it, so effects keyed by event id must themselves be
 * idempotent too.
 */
export class ProcessedEvents {
  readonly #collection: Collection<ProcessedEvent>;
  readonly #records: BatchedInserts<ProcessedEvent>;
  readonly #claims: Claims;

  constructor(db: Db, options: ProcessedEventsOptions = {}) {
    this.#collection = db.collection<ProcessedEvent>('processed_events');
    this.#records = new BatchedInserts(this.#collection);
    this.#claims = new Claims(db, options.leaseMs ?? 15_000);
  }

  /**
   * Makes both collections at start-up, before any message: FerretDB creates a collection on its
   * first insert in steps a crash can leave half done (the table without its metadata), after which
   * every insert fails with "relation … already exists" (measured: the store killed during the
   * first claim's insert dead-lettered every later message).
   */
  async ensureIndexes(): Promise<void> {
    await this.#collection.createIndex({ processedAt: 1 });
    await this.#claims.ensureIndexes();
  }

  /**
   * Forgets the records made before `before` and the claims whose lease ended before it
   * (`processedEventsKeptMs` ago when run by `startPruning`): without it both grow by one
   * document per event for as long as the service runs.
   */
  async prune(before: Date): Promise<number> {
    const records = await this.#collection.deleteMany({ processedAt: { $lt: before } });
    return records.deletedCount + (await this.#claims.prune(before));
  }

  async has(consumer: string, eventId: string): Promise<boolean> {
    return (
      (await this.#collection.countDocuments({ _id: `${consumer}:${eventId}` }, { limit: 1 })) > 0
    );
  }

  /**
   * Runs `effect` unless this consumer already completed this event; returns whether it ran.
   * Throws Deferred while another run of the same event holds its claim. `log` hears about a lease
   * that could not be renewed.
   */
  async once(
    consumer: string,
    eventId: string,
    effect: () => Promise<void>,
    log: Logger,
  ): Promise<boolean> {
    const _id = `${consumer}:${eventId}`;
    const lease = await this.#claims.acquire(_id, () => this.has(consumer, eventId), log);
    if (!lease) return false;
    try {
      await effect();
      // false = a run that took over after this one lost its lease recorded it first.
      await this.#records.insert({ _id, consumer, eventId, processedAt: new Date() });
    } catch (error) {
      await lease.release();
      throw error;
    }
    await lease.stop();
    return true;
  }
}

/** Wraps a handler so each event id runs it once for `consumer` (redeliveries become no-ops). */
export function idempotent<E extends { readonly id: string }, C extends { readonly log: Logger }>(
  processed: ProcessedEvents,
  consumer: string,
  handler: (event: E, context: C) => Promise<void>,
): (event: E, context: C) => Promise<void> {
  return async (event, context) => {
    await processed.once(consumer, event.id, () => handler(event, context), context.log);
  };
}

/**
 * Subscribes a handler table on a consumer, each handler wrapped by `idempotent`: the one place
 * every service wires "this event type -> this handler, once per event id".
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

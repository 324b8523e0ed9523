import type { Logger } from '@herald/bus';
import type { Collection, Db } from 'mongodb';
import { BatchedInserts } from './batched-inserts.js';
import { Claims } from './claims.js';
import { dayOf, pruneByDay } from './day-buckets.js';

interface ProcessedEvent {
  /** `${consumer}:${eventId}`: the _id index is the unique index that makes the record exact. */
  _id: string;
  consumer: string;
  eventId: string;
  processedAt: Date;
  /** The UTC day of `processedAt`: what pruning deletes by. */
  day: string;
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
    await this.#collection.createIndex({ day: 1 });
    await this.#claims.ensureIndexes();
  }

  /**
   * Forgets the records made before `before` and the claims whose lease ended before it
   * (`processedEventsKeptMs` ago when run by `startPruning`): without it both grow by one
   * document per event for as long as the service runs.
   */
  async prune(before: Date): Promise<number> {
    const records = await pruneByDay(this.#collection, { day: 'day', at: 'processedAt' }, before);
    return records + (await this.#claims.prune(before));
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
      const processedAt = new Date();
      await this.#records.insert({ _id, consumer, eventId, processedAt, day: dayOf(processedAt) });
    } catch (error) {
      await lease.release();
      throw error;
    }
    await lease.stop();
    return true;
  }
}

import type { Collection, Db, Filter, OptionalUnlessRequiredId, UpdateFilter } from 'mongodb';
import { isDuplicateKey } from './mongo.js';
import {
  outboxFields,
  outboxWrite,
  pushToOutbox,
  type EventsWritten,
  type OutboxWrite,
  type PendingEvent,
  type WithOutbox,
} from './outbox-fields.js';

/**
 * The collections whose documents carry events, and who hears of each committed write: the one
 * write path of the outbox. A collection is watched by the relay from the moment it is made here,
 * and every write through it tells the relay (`afterCommit`), as emmett's after-commit hook does.
 */
export class Outbox {
  readonly db: Db;
  readonly #names: Set<string>;
  readonly #listeners: EventsWritten[] = [];

  /** `names`: collections written elsewhere (a spec's raw inserts) that the relay must watch too. */
  constructor(db: Db, names: Iterable<string> = []) {
    this.db = db;
    this.#names = new Set(names);
  }

  /** The collection `name`, whose writes store their events with the document. */
  collection<T extends { _id: string }>(name: string): EventCollection<T> {
    this.#names.add(name);
    return new EventCollection<T>(this, name);
  }

  /** Every collection the relay watches. */
  get names(): readonly string[] {
    return [...this.#names];
  }

  /** `listener` hears of every committed write with events (the relay's kick). */
  afterCommit(listener: EventsWritten): void {
    this.#listeners.push(listener);
  }

  /** A write through one of the collections committed. */
  committed(write: OutboxWrite): void {
    for (const listener of this.#listeners) listener(write);
  }
}

/**
 * A collection whose writes commit a document and its events in one single-document operation
 * (see WithOutbox), then tell the outbox. Reads go through `collection`, with `withoutOutbox`.
 */
export class EventCollection<T extends { _id: string }> {
  readonly name: string;
  readonly collection: Collection<T & WithOutbox>;
  readonly #outbox: Outbox;

  constructor(outbox: Outbox, name: string) {
    this.name = name;
    this.#outbox = outbox;
    this.collection = outbox.db.collection<T & WithOutbox>(name);
  }

  /** Inserts `doc` with `events`; a unique-key violation throws, as `insertOne` does. */
  async insertWithEvents(doc: T, events: readonly PendingEvent[]): Promise<void> {
    const stored = { ...doc, ...outboxFields(events) } as OptionalUnlessRequiredId<T & WithOutbox>;
    await this.collection.insertOne(stored);
    this.#committed(doc._id, events);
  }

  /**
   * Inserts `doc` with `events` unless a unique key (its `_id`, or another unique index) already
   * holds one: false then, and its events are not stored. The insert is what makes a write happen
   * once; concurrent updates of one document can both apply on FerretDB, two inserts cannot.
   */
  async insertOnceWithEvents(doc: T, events: readonly PendingEvent[]): Promise<boolean> {
    try {
      await this.insertWithEvents(doc, events);
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /**
   * Applies `update` to document `id` if it also matches `where`, appending `events` in the same
   * operation; false when it matched nothing (and no events were stored).
   */
  async updateWithEvents(
    id: string,
    where: Filter<T & WithOutbox>,
    update: UpdateFilter<T & WithOutbox>,
    events: readonly PendingEvent[],
  ): Promise<boolean> {
    // `update` sets fields; the outbox owns $push and $max.
    const withEvents =
      events.length > 0 ? { ...update, ...pushToOutbox<T & WithOutbox>(events) } : update;
    const filter = { ...where, _id: id } as Filter<T & WithOutbox>;
    const { matchedCount } = await this.collection.updateOne(filter, withEvents);
    if (matchedCount === 0) return false;
    this.#committed(id, events);
    return true;
  }

  #committed(id: string, events: readonly PendingEvent[]): void {
    if (events.length > 0) this.#outbox.committed(outboxWrite(this.name, id, events));
  }
}

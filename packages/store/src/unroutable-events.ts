import type { Collection, Db } from 'mongodb';
import { isDuplicateKey } from './mongo.js';
import type { PendingEvent } from './outbox-fields.js';
import type { Route } from './route-backoff.js';

/** An event the broker returned, waiting for a queue to be bound to its route. */
export interface UnroutableEvent extends Route {
  /** The event id: an event waits here once, whichever relay (or how many) saw it come back. */
  readonly _id: string;
  readonly event: PendingEvent;
  /** The relay that retries it; only that one publishes it, until another adopts it. */
  readonly owner: string;
  readonly returnedAt: Date;
}

/**
 * The events waiting for a queue (`outbox_unroutable`), copied from their documents so a retry
 * reads nothing else. It holds only what is waiting now: an event leaves as soon as a queue took
 * it, and none stays past the relay's horizon (half the marks' retention, 15 days by default), so
 * it is empty in normal operation and holds at most the events of routes nobody consumes, for at
 * most that long. Every read scans it (FerretDB scans for anything but `_id` equality), which is
 * why it must stay that small. Each document is inserted once and then changed only by its owner,
 * or by the one relay that adopts the events of a dead owner.
 */
export class UnroutableEvents {
  readonly #collection: Collection<UnroutableEvent>;

  constructor(db: Db) {
    this.#collection = db.collection<UnroutableEvent>('outbox_unroutable');
  }

  /** Keeps `event` until a queue takes it; false when it already waits (another relay saw it too). */
  async keep(event: PendingEvent, route: Route, owner: string, now: Date): Promise<boolean> {
    try {
      await this.#collection.insertOne({
        _id: event.id,
        event,
        exchange: route.exchange,
        routingKey: route.routingKey,
        owner,
        returnedAt: now,
      });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** The events `owner` retries, oldest first. */
  async ownedBy(owner: string): Promise<UnroutableEvent[]> {
    const docs = await this.#collection.find({ owner }).toArray();
    return docs.sort((a, b) => Date.parse(a.event.time) - Date.parse(b.event.time));
  }

  /** Makes `heir` the owner of every event whose owner is not among `live`; how many it took. */
  async adopt(live: readonly string[], heir: string): Promise<number> {
    const { modifiedCount } = await this.#collection.updateMany(
      { owner: { $nin: [...live] } },
      { $set: { owner: heir } },
    );
    return modifiedCount;
  }

  /** A queue took these events (or they are past the horizon): they wait no more. */
  async release(ids: readonly string[]): Promise<void> {
    await this.#collection.deleteMany({ _id: { $in: [...ids] } });
  }

  /** How many wait, and the time of the oldest, for the backlog figure. */
  async summary(): Promise<{ count: number; oldest: number | undefined }> {
    const docs = await this.#collection.find({}, { projection: { 'event.time': 1 } }).toArray();
    let oldest: number | undefined;
    for (const { event } of docs) oldest = Math.min(oldest ?? Infinity, Date.parse(event.time));
    return { count: docs.length, oldest };
  }
}

import type { Collection, Db, Filter } from 'mongodb';
import { isDuplicateKey } from '@herald/store';
import type { FeedCursor } from '../domain/cursor.js';
import type { ActivityEventType, FeedEntry, TaskSubject } from '../domain/feed-entry.js';
import type { FeedStore } from '../domain/ports.js';

interface FeedDoc {
  /** The event id: the _id index makes a redelivered event insert nothing. */
  _id: string;
  eventId: string;
  workspaceId: string;
  type: ActivityEventType;
  actor: { userId: string; name: string };
  summary: string;
  subject?: TaskSubject | null;
  at: Date;
}

function toEntry(doc: FeedDoc): FeedEntry {
  const { eventId, workspaceId, type, actor, summary, subject, at } = doc;
  return { eventId, workspaceId, type, actor, summary, ...(subject && { subject }), at };
}

/** MongoDB adapter for the feed: one document per event. */
export class FeedCollection implements FeedStore {
  readonly #collection: Collection<FeedDoc>;

  constructor(db: Db) {
    this.#collection = db.collection<FeedDoc>('feed');
  }

  async ensureIndexes(): Promise<void> {
    await this.#collection.createIndex({ workspaceId: 1, at: -1, _id: -1 });
  }

  async record(entry: FeedEntry): Promise<void> {
    const { eventId, workspaceId, type, actor, summary, subject, at } = entry;
    try {
      await this.#collection.insertOne({
        _id: eventId,
        eventId,
        workspaceId,
        type,
        actor,
        summary,
        ...(subject && { subject }),
        at,
      });
    } catch (error) {
      // Already stored by an earlier delivery of the same event.
      if (!isDuplicateKey(error)) throw error;
    }
  }

  async page(workspaceId: string, limit: number, after?: FeedCursor): Promise<FeedEntry[]> {
    const filter: Filter<FeedDoc> = after
      ? {
          workspaceId,
          $or: [{ at: { $lt: after.at } }, { at: after.at, _id: { $lt: after.eventId } }],
        }
      : { workspaceId };
    const docs = await this.#collection
      .find(filter)
      .sort({ at: -1, _id: -1 })
      .limit(limit)
      .toArray();
    return docs.map(toEntry);
  }

  /**
   * Equality on the workspace, then its entries of the window by the (workspaceId, at) index: one
   * workspace's feed, never every workspace's.
   */
  async *window(workspaceId: string, since: Date, until: Date): AsyncIterable<FeedEntry> {
    const cursor = this.#collection
      .find({ workspaceId, at: { $gte: since, $lt: until } })
      .sort({ at: 1, _id: 1 });
    for await (const doc of cursor) yield toEntry(doc);
  }
}

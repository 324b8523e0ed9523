import type { Collection, Db, Filter } from 'mongodb';
import { dayOf, daysBetween, isDuplicateKey } from '@herald/store';
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
  /** The UTC day of `at`: the digest reads a window day by day. */
  day?: string;
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
    await this.#collection.createIndex({ day: 1 });
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
        day: dayOf(at),
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

  async between(since: Date, until: Date): Promise<FeedEntry[]> {
    // One equality per day of the window (a digest's is a day or two), never a range over the feed.
    const days = await Promise.all(
      daysBetween(since, until.getTime() - 1).map((day) =>
        this.#collection.find({ day, at: { $gte: since, $lt: until } }).toArray(),
      ),
    );
    return days
      .flat()
      .sort(
        (a, b) => a.at.getTime() - b.at.getTime() || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0),
      )
      .map(toEntry);
  }
}

import {
  MongoBulkWriteError,
  type Collection,
  type Db,
  type Filter,
  type WriteError,
} from 'mongodb';
import { isDuplicateKey } from '@herald/store';
import type { Notification } from '../domain/notification.js';
import type { InboxQuery, NotificationStore } from '../domain/ports.js';

type NotificationDoc = Omit<Notification, 'id' | 'link'> & {
  _id: string;
  link?: Notification['link'] | null;
};

function toDoc({ id, link, ...rest }: Notification): NotificationDoc {
  // An absent link is left out rather than stored as null.
  return link === undefined ? { _id: id, ...rest } : { _id: id, link, ...rest };
}

function fromDoc({ _id, link, ...rest }: NotificationDoc): Notification {
  return link ? { id: _id, link, ...rest } : { id: _id, ...rest };
}

/** Indexes of the documents a bulk insert refused only because they already exist. */
function duplicateIndexes(error: unknown): Set<number> | undefined {
  if (!(error instanceof MongoBulkWriteError))
    return isDuplicateKey(error) ? new Set([0]) : undefined;
  const writeErrors = ([] as WriteError[]).concat(error.writeErrors);
  if (writeErrors.some((e) => e.code !== 11000)) return undefined;
  return new Set(writeErrors.map((e) => e.index));
}

/**
 * MongoDB adapter (works on FerretDB: single-document writes, no transactions). The deterministic
 * _id makes a redelivered event a no-op.
 */
export class NotificationsCollection implements NotificationStore {
  static readonly collectionName = 'notifications';
  readonly #collection: Collection<NotificationDoc>;

  constructor(db: Db) {
    this.#collection = db.collection<NotificationDoc>(NotificationsCollection.collectionName);
  }

  async ensureIndexes(): Promise<void> {
    await this.#collection.createIndex({ userId: 1, createdAt: -1, _id: -1 });
    await this.#collection.createIndex({ userId: 1, readAt: 1 });
  }

  async saveAll(notifications: readonly Notification[]): Promise<Notification[]> {
    if (notifications.length === 0) return [];
    try {
      await this.#collection.insertMany(notifications.map(toDoc), { ordered: false });
      return [...notifications];
    } catch (error) {
      // Some or all were stored by an earlier delivery of the same event; the rest went in.
      const duplicates = duplicateIndexes(error);
      if (!duplicates) throw error;
      return notifications.filter((_, index) => !duplicates.has(index));
    }
  }

  async list(query: InboxQuery): Promise<Notification[]> {
    const { userId, unreadOnly, after } = query;
    const filter: Filter<NotificationDoc> = {
      userId,
      ...(unreadOnly ? { readAt: null } : {}),
      // Strictly after the cursor in (createdAt desc, _id desc) order.
      ...(after
        ? {
            $or: [
              { createdAt: { $lt: after.createdAt } },
              { createdAt: after.createdAt, _id: { $lt: after.id } },
            ],
          }
        : {}),
    };
    const docs = await this.#collection
      .find(filter)
      .sort({ createdAt: -1, _id: -1 })
      .limit(query.limit)
      .toArray();
    return docs.map(fromDoc);
  }

  async unreadCount(userId: string): Promise<number> {
    return this.#collection.countDocuments({ userId, readAt: null });
  }

  async markRead(userId: string, id: string, at: Date): Promise<Notification | undefined> {
    const updated = await this.#collection.findOneAndUpdate(
      { _id: id, userId, readAt: null },
      { $set: { readAt: at } },
      { returnDocument: 'after' },
    );
    // Not updated: already read (keep its first readAt) or not this user's (not found).
    const doc = updated ?? (await this.#collection.findOne({ _id: id, userId }));
    return doc ? fromDoc(doc) : undefined;
  }

  async markAllRead(userId: string, at: Date): Promise<number> {
    const result = await this.#collection.updateMany(
      { userId, readAt: null },
      { $set: { readAt: at } },
    );
    return result.modifiedCount;
  }
}

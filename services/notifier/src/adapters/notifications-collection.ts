import type { Collection, Db } from 'mongodb';
import { isDuplicateKey } from '@herald/store';
import type { Notification } from '../domain/notification.js';
import type { NotificationStore } from '../domain/ports.js';

type NotificationDoc = Omit<Notification, 'id'> & { _id: string };

/** MongoDB adapter; the deterministic _id makes a redelivered event a no-op. */
export class NotificationsCollection implements NotificationStore {
  readonly #collection: Collection<NotificationDoc>;

  constructor(db: Db) {
    this.#collection = db.collection<NotificationDoc>('notifications');
  }

  async ensureIndexes(): Promise<void> {
    await this.#collection.createIndex({ userId: 1, createdAt: -1, _id: -1 });
  }

  async saveAll(notifications: readonly Notification[]): Promise<void> {
    if (notifications.length === 0) return;
    try {
      await this.#collection.insertMany(
        notifications.map(({ id, ...rest }) => ({ _id: id, ...rest })),
        { ordered: false },
      );
    } catch (error) {
      // Already stored by an earlier delivery of the same event.
      if (!isDuplicateKey(error)) throw error;
    }
  }

  async forUser(userId: string, limit: number): Promise<Notification[]> {
    const docs = await this.#collection
      .find({ userId })
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit)
      .toArray();
    return docs.map(({ _id, ...rest }) => ({ id: _id, ...rest }));
  }
}

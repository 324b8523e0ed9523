import type { Collection, Db } from 'mongodb';
import {
  NotificationPreferences,
  defaultNotificationPreferences,
  type UserNotificationPreferencesChanged,
} from '@herald/contracts';
import { isDuplicateKey } from './mongo.js';

interface PreferenceCopyDoc {
  /** `<userId>:<version>`: a redelivered version is refused by the primary key. */
  _id: string;
  userId: string;
  version: number;
  preferences: NotificationPreferences;
}

/**
 * A consumer's own copy of every user's notification preferences, from
 * `user.notification-preferences-changed`: one document per version, the highest the one in force,
 * so messages arriving out of order, twice or concurrently on two replicas all end the same.
 * (Updating one document per user under `version < n` would not: FerretDB may apply two
 * concurrent conditional updates of one document both, the older last.)
 */
export class PreferenceCopies {
  static readonly collectionName = 'notification_preferences';
  readonly #collection: Collection<PreferenceCopyDoc>;

  constructor(db: Db) {
    this.#collection = db.collection<PreferenceCopyDoc>(PreferenceCopies.collectionName);
  }

  async ensureIndexes(): Promise<void> {
    await this.#collection.createIndex({ userId: 1, version: -1 });
  }

  async record(change: UserNotificationPreferencesChanged): Promise<void> {
    try {
      await this.#collection.insertOne({
        _id: `${change.userId}:${change.version}`,
        userId: change.userId,
        version: change.version,
        preferences: change.preferences,
      });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  /** The user's preferences in force: the highest version's, everything on when none arrived. */
  async of(userId: string): Promise<NotificationPreferences> {
    const [doc] = await this.#collection.find({ userId }).sort({ version: -1 }).limit(1).toArray();
    return doc ? NotificationPreferences.parse(doc.preferences) : defaultNotificationPreferences;
  }
}

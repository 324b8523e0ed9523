import type { Collection } from 'mongodb';
import { NotificationPreferences } from '@herald/contracts';
import {
  type EventCollection,
  type Outbox,
  type PendingEvent,
  type WithOutbox,
  withoutOutbox,
} from '@herald/store';
import type { PreferencesStore } from '../domain/ports.js';
import type { StoredPreferences } from '../domain/preferences.js';

/**
 * One document per change, `_id` `<userId>:<version>`, the newest version the user's current
 * preferences. Not one document per user updated under `{version: n}`: FerretDB applies two
 * concurrent conditional updates of one document both (measured: four racing PUTs gave versions
 * 1, 2, 3, one change lost), while the primary key refuses a second insert of the same `_id`, so
 * inserting version n + 1 is the compare-and-set, with its event in the same document.
 */
type PreferencesDoc = {
  _id: string;
  userId: string;
  version: number;
  preferences: NotificationPreferences;
  changedAt: Date;
} & WithOutbox;

export class PreferencesCollection implements PreferencesStore {
  static readonly collectionName = 'notification_preferences';
  readonly #collection: Collection<PreferencesDoc>;
  readonly #writes: EventCollection<PreferencesDoc>;

  constructor(outbox: Outbox) {
    this.#writes = outbox.collection<PreferencesDoc>(PreferencesCollection.collectionName);
    this.#collection = this.#writes.collection;
  }

  async ensureIndexes(): Promise<void> {
    await this.#collection.createIndex({ userId: 1, version: -1 });
  }

  async get(userId: string): Promise<StoredPreferences | undefined> {
    const [doc] = await this.#collection
      .find({ userId }, withoutOutbox)
      .sort({ version: -1 })
      .limit(1)
      .toArray();
    return doc
      ? { preferences: NotificationPreferences.parse(doc.preferences), version: doc.version }
      : undefined;
  }

  async save(
    userId: string,
    next: StoredPreferences,
    events: readonly PendingEvent[],
  ): Promise<boolean> {
    return this.#writes.insertOnceWithEvents(
      {
        _id: `${userId}:${next.version}`,
        userId,
        version: next.version,
        preferences: next.preferences,
        changedAt: new Date(),
      },
      events,
    );
  }
}

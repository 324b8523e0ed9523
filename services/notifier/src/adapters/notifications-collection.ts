import { MongoServerError, type Collection, type Db, type Filter } from 'mongodb';
import { isDuplicateKey } from '@herald/store';
import type { Notification, StoredNotification } from '../domain/notification.js';
import type { InboxQuery, NotificationStore } from '../domain/ports.js';
import { SerialByKey } from './serial-by-key.js';

type NotificationDoc = Omit<Notification, 'id' | 'link'> & {
  _id: string;
  link?: Notification['link'] | null;
  /** Missing on notifications stored before seqs existed. */
  seq?: number;
};

function toDoc({ id, link, ...rest }: StoredNotification): NotificationDoc {
  // An absent link is left out rather than stored as null.
  return link === undefined ? { _id: id, ...rest } : { _id: id, link, ...rest };
}

function fromDoc(doc: NotificationDoc): Notification {
  const { _id, userId, kind, title, body, link, eventId, createdAt, readAt } = doc;
  return { id: _id, userId, kind, title, body, ...(link && { link }), eventId, createdAt, readAt };
}

/** The document as a numbered notification; undefined for one stored before seqs existed. */
function sequenced(doc: NotificationDoc): StoredNotification | undefined {
  return doc.seq === undefined ? undefined : { ...fromDoc(doc), seq: doc.seq };
}

/** The server's code for an option it does not implement (FerretDB: partial indexes). */
const NOT_IMPLEMENTED = 238;

/** Users whose last seq this process remembers; beyond, the least recently used are forgotten. */
const rememberedUsers = 10_000;

/** Tries at numbering one notification while other replicas take the same user's next seqs. */
const maxSeqAttempts = 20;

export class SeqContention extends Error {
  override readonly name = 'SeqContention';
}

/**
 * MongoDB adapter (works on FerretDB: single-document writes, no transactions). The deterministic
 * _id makes a redelivered event a no-op. Each user's notifications are numbered 1, 2, 3… by
 * inserting `seq` = the user's highest + 1 behind a unique (userId, seq) index: the only write a
 * MongoDB-wire store without transactions keeps exact under concurrency (FerretDB loses
 * concurrent `$inc`s on one document). A replica that loses the race reads the highest again.
 */
export class NotificationsCollection implements NotificationStore {
  static readonly collectionName = 'notifications';
  readonly #collection: Collection<NotificationDoc>;
  /** The user's highest seq as this process last saw it, most recently used last. */
  readonly #lastSeq = new Map<string, number>();
  readonly #perUser = new SerialByKey();

  constructor(db: Db) {
    this.#collection = db.collection<NotificationDoc>(NotificationsCollection.collectionName);
  }

  /**
   * One index per command: FerretDB drops the connection of one of two replicas creating several
   * indexes in one command at once (measured: every time on a fresh collection).
   */
  async ensureIndexes(): Promise<void> {
    await this.#collection.createIndex({ userId: 1, createdAt: -1, _id: -1 });
    await this.#collection.createIndex({ userId: 1, readAt: 1 });
    await this.#ensureSeqIndex();
  }

  /**
   * Notifications stored before seqs existed have none, and MongoDB indexes a missing field as
   * null: the index is partial there. FerretDB refuses partial indexes but never counts missing
   * fields as duplicates, so the plain unique index means the same.
   */
  async #ensureSeqIndex(): Promise<void> {
    const options = { name: 'userId_seq', unique: true } as const;
    try {
      await this.#collection.createIndex(
        { userId: 1, seq: 1 },
        { ...options, partialFilterExpression: { seq: { $exists: true } } },
      );
    } catch (error) {
      if (!(error instanceof MongoServerError) || error.code !== NOT_IMPLEMENTED) throw error;
      await this.#collection.createIndex({ userId: 1, seq: 1 }, options);
    }
  }

  async saveAll(notifications: readonly Notification[]): Promise<StoredNotification[]> {
    const stored = await Promise.all(
      notifications.map((n) => this.#perUser.run(n.userId, () => this.#save(n))),
    );
    return stored.filter((n) => n !== undefined);
  }

  /** The notification as stored; undefined when an earlier run stored it before seqs existed. */
  async #save(notification: Notification): Promise<StoredNotification | undefined> {
    const { userId } = notification;
    for (let attempt = 1; attempt <= maxSeqAttempts; attempt++) {
      const seq = (this.#lastSeq.get(userId) ?? (await this.latestSeq(userId))) + 1;
      const stored = { ...notification, seq };
      try {
        await this.#collection.insertOne(toDoc(stored));
        this.#remember(userId, seq);
        return stored;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        // The store does not say which index refused: the _id (a redelivery, keep the first) or
        // the seq (another replica numbered one first: read the highest again).
        const existing = await this.#collection.findOne({ _id: notification.id });
        if (existing) return sequenced(existing);
        this.#lastSeq.delete(userId);
      }
    }
    throw new SeqContention(`no free seq for ${userId} after ${maxSeqAttempts} attempts`);
  }

  #remember(userId: string, seq: number): void {
    this.#lastSeq.delete(userId);
    this.#lastSeq.set(userId, seq);
    if (this.#lastSeq.size > rememberedUsers) {
      const oldest = this.#lastSeq.keys().next().value;
      if (oldest !== undefined) this.#lastSeq.delete(oldest);
    }
  }

  async latestSeq(userId: string): Promise<number> {
    const [latest] = await this.#collection
      .find({ userId, seq: { $gt: 0 } }, { projection: { seq: 1 } })
      .sort({ seq: -1 })
      .limit(1)
      .toArray();
    return latest?.seq ?? 0;
  }

  async after(userId: string, afterSeq: number, limit: number): Promise<StoredNotification[]> {
    const docs = await this.#collection
      .find({ userId, seq: { $gt: afterSeq } })
      .sort({ seq: 1 })
      .limit(limit)
      .toArray();
    return docs.map(sequenced).filter((n) => n !== undefined);
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

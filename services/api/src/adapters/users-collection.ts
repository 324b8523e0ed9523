import type { Collection, Db, UpdateFilter } from 'mongodb';
import { AppError } from '@herald/runtime';
import {
  type EventsWritten,
  isDuplicateKey,
  outboxFields,
  outboxWrite,
  type PendingEvent,
  pushToOutbox,
  type WithOutbox,
  withoutOutbox,
} from '@herald/store';
import type { UserStore } from '../domain/ports.js';
import type { User } from '../domain/user.js';

type UserDoc = Omit<User, 'id'> & { _id: string } & WithOutbox;

export class UsersCollection implements UserStore {
  static readonly collectionName = 'users';
  readonly #collection: Collection<UserDoc>;

  readonly #written: EventsWritten;

  constructor(db: Db, written: EventsWritten) {
    this.#collection = db.collection<UserDoc>(UsersCollection.collectionName);
    this.#written = written;
  }

  async ensureIndexes(): Promise<void> {
    await this.#collection.createIndex({ email: 1 }, { unique: true });
    await this.#collection.createIndex({ handle: 1 }, { unique: true });
  }

  async create(user: User, events: readonly PendingEvent[]): Promise<'created' | 'email-taken'> {
    const { id, ...rest } = user;
    try {
      await this.#collection.insertOne({ _id: id, ...rest, ...outboxFields(events) });
      this.#written(outboxWrite(UsersCollection.collectionName, id, events));
      return 'created';
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      if ((await this.#collection.countDocuments({ email: user.email }, { limit: 1 })) > 0) {
        return 'email-taken';
      }
      throw new AppError('conflict', 'that handle is already registered');
    }
  }

  async markVerified(id: string, at: Date): Promise<boolean> {
    // Verifying twice keeps the first time: the filter skips a verified user, whom the count finds.
    await this.#collection.updateOne(
      { _id: id, emailVerifiedAt: { $exists: false } },
      { $set: { emailVerifiedAt: at } },
    );
    return (await this.#collection.countDocuments({ _id: id }, { limit: 1 })) > 0;
  }

  async changePassword(
    id: string,
    changes: Pick<User, 'passwordHash' | 'emailVerifiedAt'>,
    events: readonly PendingEvent[],
  ): Promise<void> {
    const update: UpdateFilter<UserDoc> = { $set: changes, ...pushToOutbox<UserDoc>(events) };
    const result = await this.#collection.updateOne({ _id: id }, update);
    if (result.matchedCount === 1) {
      this.#written(outboxWrite(UsersCollection.collectionName, id, events));
    }
  }

  async byEmail(email: string): Promise<User | undefined> {
    const doc = await this.#collection.findOne({ email: email.toLowerCase() }, withoutOutbox);
    return doc ? toUser(doc) : undefined;
  }

  async byId(id: string): Promise<User | undefined> {
    const doc = await this.#collection.findOne({ _id: id }, withoutOutbox);
    return doc ? toUser(doc) : undefined;
  }

  async byIds(ids: readonly string[]): Promise<User[]> {
    if (ids.length === 0) return [];
    const docs = await this.#collection.find({ _id: { $in: [...ids] } }, withoutOutbox).toArray();
    return docs.map(toUser);
  }

  /**
   * The unique `handle` index serves this on MongoDB; FerretDB scans the users for it (it indexes
   * `_id` lookups only), which grows with the users, not with the comments that mention them.
   */
  async byHandles(handles: readonly string[]): Promise<User[]> {
    if (handles.length === 0) return [];
    const docs = await this.#collection
      .find({ handle: { $in: [...handles] } }, withoutOutbox)
      .toArray();
    return docs.map(toUser);
  }
}

function toUser({ _id, outbox: _outbox, ...rest }: UserDoc): User {
  return { id: _id, ...rest };
}

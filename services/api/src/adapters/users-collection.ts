import type { Collection, Db } from 'mongodb';
import { AppError } from '@herald/runtime';
import { isDuplicateKey, outboxFields, type PendingEvent, type WithOutbox } from '@herald/store';
import type { UserStore } from '../domain/ports.js';
import type { User } from '../domain/user.js';

type UserDoc = Omit<User, 'id'> & { _id: string } & WithOutbox;

export class UsersCollection implements UserStore {
  static readonly collectionName = 'users';
  readonly #collection: Collection<UserDoc>;

  constructor(db: Db) {
    this.#collection = db.collection<UserDoc>(UsersCollection.collectionName);
  }

  async ensureIndexes(): Promise<void> {
    await this.#collection.createIndex({ email: 1 }, { unique: true });
    await this.#collection.createIndex({ handle: 1 }, { unique: true });
  }

  async create(user: User, events: readonly PendingEvent[]): Promise<void> {
    const { id, ...rest } = user;
    try {
      await this.#collection.insertOne({ _id: id, ...rest, ...outboxFields(events) });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const taken =
        (await this.#collection.countDocuments({ email: user.email }, { limit: 1 })) > 0
          ? 'email'
          : 'handle';
      throw new AppError('conflict', `that ${taken} is already registered`);
    }
  }

  async byEmail(email: string): Promise<User | undefined> {
    const doc = await this.#collection.findOne(
      { email: email.toLowerCase() },
      { projection: { outbox: 0 } },
    );
    if (!doc) return undefined;
    const { _id, ...rest } = doc;
    return { id: _id, ...rest };
  }
}

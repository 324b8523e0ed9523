import type { Collection } from 'mongodb';
import { AppError } from '@herald/runtime';
import {
  type EventCollection,
  findByKeys,
  type Outbox,
  type PendingEvent,
  type WithOutbox,
  withoutOutbox,
} from '@herald/store';
import type { UserStore } from '../domain/ports.js';
import type { User } from '../domain/user.js';

type UserDoc = Omit<User, 'id'> & { _id: string } & WithOutbox;

export class UsersCollection implements UserStore {
  static readonly collectionName = 'users';
  readonly #collection: Collection<UserDoc>;

  readonly #writes: EventCollection<UserDoc>;

  constructor(outbox: Outbox) {
    this.#writes = outbox.collection<UserDoc>(UsersCollection.collectionName);
    this.#collection = this.#writes.collection;
  }

  async ensureIndexes(): Promise<void> {
    await this.#collection.createIndex({ email: 1 }, { unique: true });
    await this.#collection.createIndex({ handle: 1 }, { unique: true });
  }

  async create(user: User, events: readonly PendingEvent[]): Promise<'created' | 'email-taken'> {
    const { id, ...rest } = user;
    if (await this.#writes.insertOnceWithEvents({ _id: id, ...rest }, events)) return 'created';
    if ((await this.#collection.countDocuments({ email: user.email }, { limit: 1 })) > 0) {
      return 'email-taken';
    }
    throw new AppError('conflict', 'that handle is already registered');
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
    await this.#writes.updateWithEvents(id, {}, { $set: changes }, events);
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
    return (await findByKeys(this.#collection, '_id', ids, withoutOutbox)).map(toUser);
  }

  /** One lookup per handle (the mention cap bounds them), each served by the `handle` index. */
  async byHandles(handles: readonly string[]): Promise<User[]> {
    return (await findByKeys(this.#collection, 'handle', handles, withoutOutbox)).map(toUser);
  }
}

function toUser({ _id, outbox: _outbox, ...rest }: UserDoc): User {
  return { id: _id, ...rest };
}

import type { Collection } from 'mongodb';
import {
  type EventCollection,
  isDuplicateKey,
  type Outbox,
  type PendingEvent,
  type WithOutbox,
  withoutOutbox,
} from '@herald/store';
import type { LinkTokenRecord } from '../domain/link-token.js';
import type { LinkTokenStore } from '../domain/ports.js';

/** `_id` is the token's sha256, so a lookup by presented token is a primary-key read. */
type LinkTokenDoc = Omit<LinkTokenRecord, 'hash'> & { _id: string } & WithOutbox;

/** A spent token, under the same `_id`: the primary key is what makes a token work once. */
type SpentLinkTokenDoc = { _id: string; userId: string; purpose: string; spentAt: Date };

export class LinkTokensCollection implements LinkTokenStore {
  static readonly collectionName = 'link_tokens';
  static readonly spentCollectionName = 'spent_link_tokens';
  readonly #collection: Collection<LinkTokenDoc>;
  readonly #spent: Collection<SpentLinkTokenDoc>;
  readonly #writes: EventCollection<LinkTokenDoc>;

  constructor(outbox: Outbox) {
    this.#writes = outbox.collection<LinkTokenDoc>(LinkTokensCollection.collectionName);
    this.#collection = this.#writes.collection;
    this.#spent = outbox.db.collection<SpentLinkTokenDoc>(LinkTokensCollection.spentCollectionName);
  }

  async create(record: LinkTokenRecord, events: readonly PendingEvent[]): Promise<void> {
    const { hash, ...rest } = record;
    await this.#writes.insertWithEvents({ _id: hash, ...rest }, events);
  }

  async byHash(hash: string): Promise<LinkTokenRecord | undefined> {
    const doc = await this.#collection.findOne({ _id: hash }, withoutOutbox);
    return doc ? toRecord(doc) : undefined;
  }

  async spend(record: LinkTokenRecord, at: Date): Promise<'spent' | 'spent-before'> {
    try {
      await this.#spent.insertOne({
        _id: record.hash,
        userId: record.userId,
        purpose: record.purpose,
        spentAt: at,
      });
      return 'spent';
    } catch (error) {
      if (isDuplicateKey(error)) return 'spent-before';
      throw error;
    }
  }
}

function toRecord({ _id, outbox: _outbox, ...rest }: LinkTokenDoc): LinkTokenRecord {
  return { hash: _id, ...rest };
}

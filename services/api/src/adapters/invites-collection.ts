import type { Collection } from 'mongodb';
import {
  type EventCollection,
  type Outbox,
  type PendingEvent,
  type WithOutbox,
  withoutOutbox,
} from '@herald/store';
import type { Invite } from '../domain/invite.js';
import type { InviteStore } from '../domain/ports.js';

type InviteDoc = Omit<Invite, 'id'> & { _id: string } & WithOutbox;

export class InvitesCollection implements InviteStore {
  static readonly collectionName = 'invites';
  readonly #collection: Collection<InviteDoc>;

  readonly #writes: EventCollection<InviteDoc>;

  constructor(outbox: Outbox) {
    this.#writes = outbox.collection<InviteDoc>(InvitesCollection.collectionName);
    this.#collection = this.#writes.collection;
  }

  async ensureIndexes(): Promise<void> {
    await this.#collection.createIndex({ tokenHash: 1 }, { unique: true });
    await this.#collection.createIndex({ workspaceId: 1 });
  }

  async create(invite: Invite, events: readonly PendingEvent[]): Promise<void> {
    const { id, ...rest } = invite;
    await this.#writes.insertWithEvents({ _id: id, ...rest }, events);
  }

  async byTokenHash(tokenHash: string): Promise<Invite | undefined> {
    const doc = await this.#collection.findOne({ tokenHash }, withoutOutbox);
    return doc ? toInvite(doc) : undefined;
  }
}

function toInvite({ _id, outbox: _outbox, ...rest }: InviteDoc): Invite {
  return { id: _id, ...rest };
}

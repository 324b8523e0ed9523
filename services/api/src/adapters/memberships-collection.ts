import type { Collection } from 'mongodb';
import {
  type EventCollection,
  type Outbox,
  type PendingEvent,
  type WithOutbox,
  withoutOutbox,
} from '@herald/store';
import type { Membership } from '../domain/membership.js';
import type { MembershipStore } from '../domain/ports.js';

/** `_id` is `<workspaceId>:<userId>`: the primary key makes a person a member at most once. */
type MembershipDoc = Membership & { _id: string } & WithOutbox;

export class MembershipsCollection implements MembershipStore {
  static readonly collectionName = 'memberships';
  readonly #collection: Collection<MembershipDoc>;

  readonly #writes: EventCollection<MembershipDoc>;

  constructor(outbox: Outbox) {
    this.#writes = outbox.collection<MembershipDoc>(MembershipsCollection.collectionName);
    this.#collection = this.#writes.collection;
  }

  async ensureIndexes(): Promise<void> {
    await this.#collection.createIndex({ workspaceId: 1 });
    await this.#collection.createIndex({ userId: 1 });
    await this.#collection.createIndex({ inviteId: 1 });
  }

  async add(membership: Membership, events: readonly PendingEvent[]): Promise<boolean> {
    const { inviteId, ...rest } = membership;
    const id = idOf(membership.workspaceId, membership.userId);
    return this.#writes.insertOnceWithEvents(
      { _id: id, ...rest, ...(inviteId ? { inviteId } : {}) },
      events,
    );
  }

  async get(workspaceId: string, userId: string): Promise<Membership | undefined> {
    const doc = await this.#collection.findOne({ _id: idOf(workspaceId, userId) }, withoutOutbox);
    return doc ? toMembership(doc) : undefined;
  }

  async byInvite(inviteId: string): Promise<Membership | undefined> {
    const doc = await this.#collection.findOne({ inviteId }, withoutOutbox);
    return doc ? toMembership(doc) : undefined;
  }

  async ofWorkspace(workspaceId: string): Promise<Membership[]> {
    return (await this.#collection.find({ workspaceId }, withoutOutbox).toArray()).map(
      toMembership,
    );
  }

  async workspaceIdsOf(userId: string): Promise<string[]> {
    const docs = await this.#collection
      .find({ userId }, { projection: { workspaceId: 1 } })
      .toArray();
    return docs.map((doc) => doc.workspaceId);
  }
}

function idOf(workspaceId: string, userId: string): string {
  return `${workspaceId}:${userId}`;
}

function toMembership({ _id, outbox: _outbox, ...rest }: MembershipDoc): Membership {
  return rest;
}

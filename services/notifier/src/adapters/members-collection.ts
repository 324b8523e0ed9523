import type { Collection, Db } from 'mongodb';
import type { Member } from '../domain/member.js';
import type { MemberStore } from '../domain/ports.js';

interface MemberDoc {
  /** `${workspaceId}:${userId}`. */
  _id: string;
  workspaceId: string;
  userId: string;
  name: string;
  since: Date;
}

/** MongoDB adapter for memberships learned from workspace events. */
export class MembersCollection implements MemberStore {
  readonly #collection: Collection<MemberDoc>;

  constructor(db: Db) {
    this.#collection = db.collection<MemberDoc>('members');
  }

  async ensureIndexes(): Promise<void> {
    await this.#collection.createIndex({ workspaceId: 1 });
  }

  async add({ workspaceId, userId, name, since }: Member): Promise<void> {
    await this.#collection.updateOne(
      { _id: `${workspaceId}:${userId}` },
      { $set: { workspaceId, userId, name }, $setOnInsert: { since } },
      { upsert: true },
    );
  }

  async isMember(workspaceId: string, userId: string): Promise<boolean> {
    return (
      (await this.#collection.countDocuments({ _id: `${workspaceId}:${userId}` }, { limit: 1 })) > 0
    );
  }

  async knows(workspaceId: string): Promise<boolean> {
    return (await this.#collection.countDocuments({ workspaceId }, { limit: 1 })) > 0;
  }

  async ofWorkspace(workspaceId: string): Promise<Member[]> {
    const docs = await this.#collection.find({ workspaceId }).toArray();
    return docs.map(({ workspaceId, userId, name, since }) => ({
      workspaceId,
      userId,
      name,
      since,
    }));
  }
}

import type { Collection, Db } from 'mongodb';
import { memberId, type Member } from '../domain/member.js';
import type { MemberStore } from '../domain/ports.js';

interface MemberDoc {
  /** `${workspaceId}:${userId}`. */
  _id: string;
  workspaceId: string;
  workspaceName: string;
  userId: string;
  name: string;
  email?: string;
  since: Date;
}

function toMember(doc: MemberDoc): Member {
  const { workspaceId, workspaceName, userId, name, email, since } = doc;
  return { workspaceId, workspaceName, userId, name, ...(email && { email }), since };
}

/** MongoDB adapter for memberships learned from events. */
export class MembersCollection implements MemberStore {
  readonly #collection: Collection<MemberDoc>;

  constructor(db: Db) {
    this.#collection = db.collection<MemberDoc>('members');
  }

  async ensureIndexes(): Promise<void> {
    await this.#collection.createIndex({ workspaceId: 1 });
    await this.#collection.createIndex({ userId: 1 });
  }

  async add(member: Member): Promise<void> {
    const { workspaceId, workspaceName, userId, name, email, since } = member;
    await this.#collection.updateOne(
      { _id: memberId(workspaceId, userId) },
      {
        $set: { workspaceId, workspaceName, userId, name, ...(email && { email }) },
        $setOnInsert: { since },
      },
      { upsert: true },
    );
  }

  async isMember(workspaceId: string, userId: string): Promise<boolean> {
    const found = await this.#collection.countDocuments(
      { _id: memberId(workspaceId, userId) },
      { limit: 1 },
    );
    return found > 0;
  }

  async ofUsers(userIds: readonly string[]): Promise<Member[]> {
    if (userIds.length === 0) return [];
    const docs = await this.#collection.find({ userId: { $in: [...userIds] } }).toArray();
    return docs.map(toMember);
  }

  async rememberEmails(
    workspaceId: string,
    people: readonly { readonly userId: string; readonly email: string }[],
  ): Promise<void> {
    // No upsert: an assignment or a mention is not proof of membership.
    await Promise.all(
      people.map(({ userId, email }) =>
        this.#collection.updateOne({ _id: memberId(workspaceId, userId) }, { $set: { email } }),
      ),
    );
  }
}

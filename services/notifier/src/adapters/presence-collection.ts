import type { Collection, Db } from 'mongodb';
import type { Prunable } from '@herald/store';

/** Who has a live stream open on one replica: the one document that replica writes. */
interface ReplicaPresenceDoc {
  /** The replica's id. */
  _id: string;
  /** Each user with an open stream there, since their first open one. */
  users: { userId: string; since: Date }[];
  heartbeatAt: Date;
}

/**
 * One small document per notifier replica (a handful in all). Only its replica writes it, so the
 * store's non-atomic updates never meet; readers merge the fresh ones.
 */
export class PresenceCollection implements Prunable {
  readonly #collection: Collection<ReplicaPresenceDoc>;

  constructor(db: Db) {
    this.#collection = db.collection<ReplicaPresenceDoc>('presence');
  }

  async write(replicaId: string, users: ReadonlyMap<string, Date>, at: Date): Promise<void> {
    await this.#collection.replaceOne(
      { _id: replicaId },
      {
        users: [...users].map(([userId, since]) => ({ userId, since })),
        heartbeatAt: at,
      },
      { upsert: true },
    );
  }

  async remove(replicaId: string): Promise<void> {
    await this.#collection.deleteOne({ _id: replicaId });
  }

  /** Every user streaming on a replica that wrote at `freshAfter` or later, since their earliest. */
  async online(freshAfter: Date): Promise<Map<string, Date>> {
    const replicas = await this.#collection.find({ heartbeatAt: { $gte: freshAfter } }).toArray();
    const online = new Map<string, Date>();
    for (const { users } of replicas) {
      for (const { userId, since } of users) {
        const known = online.get(userId);
        if (!known || since < known) online.set(userId, since);
      }
    }
    return online;
  }

  /** Deletes the documents of replicas silent since `before` (dead: SIGKILL, lost node). */
  async prune(before: Date): Promise<number> {
    return (await this.#collection.deleteMany({ heartbeatAt: { $lt: before } })).deletedCount;
  }
}

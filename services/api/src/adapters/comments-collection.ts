import type { Collection, Db } from 'mongodb';
import { outboxFields, type PendingEvent, type WithOutbox } from '@herald/store';
import type { Comment } from '../domain/comment.js';
import type { CommentStore } from '../domain/ports.js';

type CommentDoc = Omit<Comment, 'id' | 'mentionIds'> & {
  _id: string;
  mentionIds: string[];
} & WithOutbox;

export class CommentsCollection implements CommentStore {
  static readonly collectionName = 'comments';
  readonly #collection: Collection<CommentDoc>;

  constructor(db: Db) {
    this.#collection = db.collection<CommentDoc>(CommentsCollection.collectionName);
  }

  async ensureIndexes(): Promise<void> {
    await this.#collection.createIndex({ taskId: 1, createdAt: 1 });
  }

  async create(comment: Comment, events: readonly PendingEvent[]): Promise<void> {
    const { id, mentionIds, ...rest } = comment;
    await this.#collection.insertOne({
      _id: id,
      ...rest,
      mentionIds: [...mentionIds],
      ...outboxFields(events),
    });
  }
}

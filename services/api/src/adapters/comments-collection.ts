import type { Collection } from 'mongodb';
import type { EventCollection, Outbox, PendingEvent, WithOutbox } from '@herald/store';
import type { Comment } from '../domain/comment.js';
import type { CommentStore } from '../domain/ports.js';

type CommentDoc = Omit<Comment, 'id' | 'mentionIds'> & {
  _id: string;
  mentionIds: string[];
} & WithOutbox;

export class CommentsCollection implements CommentStore {
  static readonly collectionName = 'comments';
  readonly #collection: Collection<CommentDoc>;

  readonly #writes: EventCollection<CommentDoc>;

  constructor(outbox: Outbox) {
    this.#writes = outbox.collection<CommentDoc>(CommentsCollection.collectionName);
    this.#collection = this.#writes.collection;
  }

  async ensureIndexes(): Promise<void> {
    await this.#collection.createIndex({ taskId: 1, createdAt: 1 });
  }

  async create(comment: Comment, events: readonly PendingEvent[]): Promise<void> {
    const { id, mentionIds, ...rest } = comment;
    await this.#writes.insertWithEvents({ _id: id, ...rest, mentionIds: [...mentionIds] }, events);
  }
}

import type { Collection, Db } from 'mongodb';
import {
  type EventsWritten,
  outboxFields,
  outboxWrite,
  type PendingEvent,
  type WithOutbox,
} from '@herald/store';
import type { Comment } from '../domain/comment.js';
import type { CommentStore } from '../domain/ports.js';

type CommentDoc = Omit<Comment, 'id' | 'mentionIds'> & {
  _id: string;
  mentionIds: string[];
} & WithOutbox;

export class CommentsCollection implements CommentStore {
  static readonly collectionName = 'comments';
  readonly #collection: Collection<CommentDoc>;

  readonly #written: EventsWritten;

  constructor(db: Db, written: EventsWritten) {
    this.#collection = db.collection<CommentDoc>(CommentsCollection.collectionName);
    this.#written = written;
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
    this.#written(outboxWrite(CommentsCollection.collectionName, id, events));
  }
}

import type { Collection, Db } from 'mongodb';
import {
  type EventsWritten,
  isDuplicateKey,
  outboxFields,
  outboxWrite,
  type PendingEvent,
  type WithOutbox,
  withoutOutbox,
} from '@herald/store';
import type { AssignmentStore } from '../domain/ports.js';
import type { Assignment } from '../domain/task.js';

/** `_id` is `<taskId>:<userId>`: the primary key makes an assignment (and its event) happen once. */
type AssignmentDoc = Assignment & { _id: string } & WithOutbox;

export class AssignmentsCollection implements AssignmentStore {
  static readonly collectionName = 'assignments';
  readonly #collection: Collection<AssignmentDoc>;

  readonly #written: EventsWritten;

  constructor(db: Db, written: EventsWritten) {
    this.#collection = db.collection<AssignmentDoc>(AssignmentsCollection.collectionName);
    this.#written = written;
  }

  async ensureIndexes(): Promise<void> {
    await this.#collection.createIndex({ taskId: 1 });
  }

  async add(assignment: Assignment, events: readonly PendingEvent[]): Promise<boolean> {
    const id = `${assignment.taskId}:${assignment.userId}`;
    try {
      await this.#collection.insertOne({ _id: id, ...assignment, ...outboxFields(events) });
      this.#written(outboxWrite(AssignmentsCollection.collectionName, id, events));
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async ofTask(taskId: string): Promise<Assignment[]> {
    const docs = await this.#collection.find({ taskId }, withoutOutbox).toArray();
    return docs.map(({ _id, outbox: _outbox, ...assignment }) => assignment);
  }
}

import type { Collection } from 'mongodb';
import {
  type EventCollection,
  type Outbox,
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

  readonly #writes: EventCollection<AssignmentDoc>;

  constructor(outbox: Outbox) {
    this.#writes = outbox.collection<AssignmentDoc>(AssignmentsCollection.collectionName);
    this.#collection = this.#writes.collection;
  }

  async ensureIndexes(): Promise<void> {
    await this.#collection.createIndex({ taskId: 1 });
  }

  async add(assignment: Assignment, events: readonly PendingEvent[]): Promise<boolean> {
    const id = `${assignment.taskId}:${assignment.userId}`;
    return this.#writes.insertOnceWithEvents({ _id: id, ...assignment }, events);
  }

  async ofTask(taskId: string): Promise<Assignment[]> {
    const docs = await this.#collection.find({ taskId }, withoutOutbox).toArray();
    return docs.map(({ _id, outbox: _outbox, ...assignment }) => assignment);
  }
}

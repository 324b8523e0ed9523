import type { Collection } from 'mongodb';
import { TaskStatus } from '@herald/contracts';
import {
  type EventCollection,
  isDuplicateKey,
  type Outbox,
  type PendingEvent,
  type WithOutbox,
  withoutOutbox,
} from '@herald/store';
import type { TaskStore } from '../domain/ports.js';
import type { Task, TaskChanges } from '../domain/task.js';

type TaskDoc = Omit<Task, 'id' | 'assigneeIds'> & {
  _id: string;
  assigneeIds: string[];
} & WithOutbox;

interface CounterDoc {
  _id: string;
  seq: number;
}

export class TasksCollection implements TaskStore {
  static readonly collectionName = 'tasks';
  static readonly countersName = 'counters';
  readonly #collection: Collection<TaskDoc>;
  readonly #counters: Collection<CounterDoc>;

  readonly #writes: EventCollection<TaskDoc>;

  constructor(outbox: Outbox) {
    this.#writes = outbox.collection<TaskDoc>(TasksCollection.collectionName);
    this.#collection = this.#writes.collection;
    this.#counters = outbox.db.collection<CounterDoc>(TasksCollection.countersName);
  }

  async ensureIndexes(): Promise<void> {
    // What keeps task keys unique when the counter hands out a number twice (see nextNumber).
    await this.#collection.createIndex({ workspaceId: 1, number: 1 }, { unique: true });
    await this.#collection.createIndex({ status: 1, dueDate: 1 });
  }

  async nextNumber(workspaceId: string): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      try {
        const counter = await this.#counters.findOneAndUpdate(
          { _id: `tasks:${workspaceId}` },
          { $inc: { seq: 1 } },
          { upsert: true, returnDocument: 'after' },
        );
        if (!counter) throw new Error(`task counter of ${workspaceId} was not returned`);
        return counter.seq;
      } catch (error) {
        // Two first tasks at once both upsert; the loser finds the counter there on its retry.
        if (!isDuplicateKey(error) || attempt === 3) throw error;
      }
    }
  }

  async create(task: Task, events: readonly PendingEvent[]): Promise<'created' | 'number-taken'> {
    const { id, assigneeIds, ...rest } = task;
    const inserted = await this.#writes.insertOnceWithEvents(
      { _id: id, ...rest, assigneeIds: [...assigneeIds] },
      events,
    );
    return inserted ? 'created' : 'number-taken';
  }

  /**
   * Tasks past due and not done, for the overdue reminders: one equality per open status, so the
   * done tasks (what grows) are never read; the due date is filtered among the open ones.
   */
  async overdue(before: Date): Promise<Task[]> {
    const open = TaskStatus.options.filter((status) => status !== 'done');
    const docs = await Promise.all(
      open.map((status) =>
        this.#collection.find({ status, dueDate: { $lt: before } }, withoutOutbox).toArray(),
      ),
    );
    return docs.flat().map(toTask);
  }

  async byId(id: string): Promise<Task | undefined> {
    const doc = await this.#collection.findOne({ _id: id }, withoutOutbox);
    return doc ? toTask(doc) : undefined;
  }

  async update(
    id: string,
    expectedStatus: Task['status'],
    changes: TaskChanges,
    events: readonly PendingEvent[],
  ): Promise<boolean> {
    return this.#writes.updateWithEvents(id, { status: expectedStatus }, { $set: changes }, events);
  }
}

function toTask({ _id, outbox: _outbox, ...rest }: TaskDoc): Task {
  return { id: _id, ...rest };
}

import type { Collection, Db } from 'mongodb';
import {
  type EventsWritten,
  isDuplicateKey,
  outboxFields,
  outboxWrite,
  type PendingEvent,
  type WithOutbox,
} from '@herald/store';

/** `_id` is `<taskId>:<day>`: the insert makes a task's reminder (and its event) happen once a day. */
interface ReminderDoc extends WithOutbox {
  _id: string;
  taskId: string;
  day: string;
}

export class RemindersCollection {
  static readonly collectionName = 'overdue_reminders';
  readonly #collection: Collection<ReminderDoc>;

  readonly #written: EventsWritten;

  constructor(db: Db, written: EventsWritten) {
    this.#collection = db.collection<ReminderDoc>(RemindersCollection.collectionName);
    this.#written = written;
  }

  async add(taskId: string, day: string, events: readonly PendingEvent[]): Promise<boolean> {
    const id = `${taskId}:${day}`;
    try {
      await this.#collection.insertOne({ _id: id, taskId, day, ...outboxFields(events) });
      this.#written(outboxWrite(RemindersCollection.collectionName, id, events));
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }
}

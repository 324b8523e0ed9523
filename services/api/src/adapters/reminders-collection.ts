import type { Collection, Db } from 'mongodb';
import { isDuplicateKey, outboxFields, type PendingEvent, type WithOutbox } from '@herald/store';

/** `_id` is `<taskId>:<day>`: the insert makes a task's reminder (and its event) happen once a day. */
interface ReminderDoc extends WithOutbox {
  _id: string;
  taskId: string;
  day: string;
}

export class RemindersCollection {
  static readonly collectionName = 'overdue_reminders';
  readonly #collection: Collection<ReminderDoc>;

  constructor(db: Db) {
    this.#collection = db.collection<ReminderDoc>(RemindersCollection.collectionName);
  }

  async add(taskId: string, day: string, events: readonly PendingEvent[]): Promise<boolean> {
    try {
      await this.#collection.insertOne({
        _id: `${taskId}:${day}`,
        taskId,
        day,
        ...outboxFields(events),
      });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }
}

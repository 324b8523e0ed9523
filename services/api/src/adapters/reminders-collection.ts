import type { EventCollection, Outbox, PendingEvent, WithOutbox } from '@herald/store';

/** `_id` is `<taskId>:<day>`: the insert makes a task's reminder (and its event) happen once a day. */
interface ReminderDoc extends WithOutbox {
  _id: string;
  taskId: string;
  day: string;
}

export class RemindersCollection {
  static readonly collectionName = 'overdue_reminders';
  readonly #writes: EventCollection<ReminderDoc>;

  constructor(outbox: Outbox) {
    this.#writes = outbox.collection<ReminderDoc>(RemindersCollection.collectionName);
  }

  async add(taskId: string, day: string, events: readonly PendingEvent[]): Promise<boolean> {
    return this.#writes.insertOnceWithEvents({ _id: `${taskId}:${day}`, taskId, day }, events);
  }
}
